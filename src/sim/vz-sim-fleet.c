/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sim"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "vz-api-client.h"
#include "vz-sim-fleet.h"
#include "vz-sim-screen.h"

/* Pairings under way at once: enough to pair 500 screens in seconds, few
 * enough that the server's request queue stays short. */
#define MAX_PAIRING_IN_FLIGHT  16
#define RETRY_S                5
#define TICK_S                 1

G_DEFINE_QUARK (vz-sim-error-quark, vz_sim_error)

struct _VzSimFleet {
  GObject       parent_instance;

  char         *server_url;   /* origin */
  char         *email;
  char         *password;
  guint         n_screens;
  guint         n_unpaired;
  double        churn;
  guint32       seed;

  VzApiClient  *public_api;
  VzApiClient  *admin_api;
  GPtrArray    *screens;
  GQueue        waiting;      /* automatic screens not yet asking for a code */
  guint         in_flight;
  guint         tick_id;
  GRand        *rand;
  GCancellable *cancellable;
  gboolean      stopped;

  /* Device tokens from earlier runs, so that a restarted simulator resumes its
   * screens instead of failing to pair them again ("already paired"). One file
   * per organization, under the user state dir. */
  GKeyFile     *state;
  char         *state_path;
  guint         save_id;
};

G_DEFINE_FINAL_TYPE (VzSimFleet, vz_sim_fleet, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_EMAIL,
  PROP_PASSWORD,
  PROP_SCREENS,
  PROP_UNPAIRED,
  PROP_CHURN,
  PROP_SEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const places[] = {
  "Lobby", "Reception", "Cafeteria", "Entrance", "Meeting Room", "Warehouse",
  "Showroom", "Elevator", "Break Room", "Checkout", "Food Court", "Gate",
};

static gboolean
screen_is_manual (VzSimScreen *screen)
{
  return g_object_get_data (G_OBJECT (screen), "vz-sim-manual") != NULL;
}

static void
screen_report_cb (VzSimScreen *screen,
                  const char  *line,
                  gpointer     user_data)
{
  /* One line per event, flushed at once: tests and people read it live. */
  g_print ("%s: %s\n", vz_sim_screen_get_name (screen), line);
  fflush (stdout);
}

static void start_waiting (VzSimFleet *self);

static void
save_state_now (VzSimFleet *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->state == NULL || self->state_path == NULL)
    return;
  dir = g_path_get_dirname (self->state_path);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_key_file_save_to_file (self->state, self->state_path, &error))
    {
      g_printerr ("vizora-sim: could not remember the screens' tokens in %s: %s\n", self->state_path,
                  error != NULL ? error->message : g_strerror (errno));
      return;
    }
  /* Device tokens are credentials. */
  g_chmod (self->state_path, 0600);
}

static gboolean
save_state_cb (gpointer user_data)
{
  VzSimFleet *self = user_data;

  self->save_id = 0;
  save_state_now (self);
  return G_SOURCE_REMOVE;
}

/* Pairing 500 screens should not rewrite the file 500 times. */
static void
schedule_save (VzSimFleet *self)
{
  if (self->save_id == 0)
    self->save_id = g_timeout_add_seconds (1, save_state_cb, self);
}

typedef struct {
  VzSimFleet  *fleet;
  VzSimScreen *screen;
  char        *code;
} CompleteData;

static void
complete_data_free (CompleteData *data)
{
  g_object_unref (data->fleet);
  g_object_unref (data->screen);
  g_free (data->code);
  g_free (data);
}

static void complete_pairing (VzSimFleet *self, VzSimScreen *screen, const char *code);

static gboolean
retry_complete_cb (gpointer user_data)
{
  CompleteData *data = user_data;

  if (!data->fleet->stopped &&
      g_strcmp0 (vz_sim_screen_get_code (data->screen), data->code) == 0 &&
      vz_sim_screen_get_state (data->screen) == VZ_SIM_SCREEN_PAIRING)
    complete_pairing (data->fleet, data->screen, data->code);
  complete_data_free (data);
  return G_SOURCE_REMOVE;
}

static void
complete_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CompleteData *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);

  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !data->fleet->stopped)
    {
      if (g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_FORBIDDEN))
        {
          g_print ("%s: could not be paired (%s); it stops\n", vz_sim_screen_get_name (data->screen), error->message);
          vz_sim_screen_stop (data->screen);
          data->fleet->in_flight--;
          start_waiting (data->fleet);
        }
      else
        {
          g_print ("%s: the admin could not complete its pairing (%s); trying again in %d s\n",
                   vz_sim_screen_get_name (data->screen), error->message, RETRY_S);
          g_timeout_add_seconds (RETRY_S, retry_complete_cb, g_steal_pointer (&data));
        }
      fflush (stdout);
    }
  else if (reply != NULL)
    {
      /* Paired: the screen learns its token at once instead of at its next poll. */
      vz_sim_screen_poll_now (data->screen);
    }

  if (data != NULL)
    complete_data_free (data);
}

static void
complete_pairing (VzSimFleet  *self,
                  VzSimScreen *screen,
                  const char  *code)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  CompleteData *data = g_new0 (CompleteData, 1);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "nickname");
  json_builder_add_string_value (b, vz_sim_screen_get_name (screen));
  json_builder_end_object (b);
  body = json_builder_get_root (b);

  data->fleet = g_object_ref (self);
  data->screen = g_object_ref (screen);
  data->code = g_strdup (code);
  vz_api_client_request_async (self->admin_api, "POST", "/devices/pairing/complete", body,
                               self->cancellable, complete_cb, data);
}

static void
screen_code_ready_cb (VzSimScreen *screen,
                      const char  *code,
                      gpointer     user_data)
{
  VzSimFleet *self = user_data;

  if (screen_is_manual (screen))
    {
      g_print ("pairing code for %s: %s\n", vz_sim_screen_get_name (screen), code);
      fflush (stdout);
      return;
    }
  complete_pairing (self, screen, code);
}

static void
screen_paired_cb (VzSimScreen *screen,
                  gpointer     user_data)
{
  VzSimFleet *self = user_data;
  const char *group = vz_sim_screen_get_device_identifier (screen);

  g_key_file_set_string (self->state, group, "token", vz_sim_screen_get_device_token (screen));
  if (vz_sim_screen_get_display_id (screen) != NULL)
    g_key_file_set_string (self->state, group, "display", vz_sim_screen_get_display_id (screen));
  schedule_save (self);

  if (screen_is_manual (screen))
    return;
  if (g_object_get_data (G_OBJECT (screen), "vz-sim-counted") != NULL)
    {
      g_object_set_data (G_OBJECT (screen), "vz-sim-counted", NULL);
      self->in_flight--;
    }
  start_waiting (self);
}

static void
screen_unpaired_cb (VzSimScreen *screen,
                    gpointer     user_data)
{
  VzSimFleet *self = user_data;

  g_key_file_remove_group (self->state, vz_sim_screen_get_device_identifier (screen), NULL);
  schedule_save (self);
  /* A person removed it (or the server forgot it): from now on it waits for a
   * person, like a real screen showing its code, rather than re-pairing itself. */
  g_object_set_data (G_OBJECT (screen), "vz-sim-manual", GINT_TO_POINTER (1));
}

static void
start_waiting (VzSimFleet *self)
{
  while (!self->stopped && self->in_flight < MAX_PAIRING_IN_FLIGHT && !g_queue_is_empty (&self->waiting))
    {
      VzSimScreen *screen = g_queue_pop_head (&self->waiting);

      self->in_flight++;
      g_object_set_data (G_OBJECT (screen), "vz-sim-counted", GINT_TO_POINTER (1));
      vz_sim_screen_start_pairing (screen);
      g_object_unref (screen);
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  VzSimFleet *self = user_data;
  gint64 now = g_get_monotonic_time ();
  /* RATE per screen per minute, spread evenly (as a Poisson rate) over the
   * ticks: a RATE of 1 still means about one drop a minute, not one a tick. */
  double p = 1.0 - exp (-self->churn * TICK_S / 60.0);

  for (guint i = 0; i < self->screens->len; i++)
    {
      VzSimScreen *screen = g_ptr_array_index (self->screens, i);

      if (self->churn > 0 && vz_sim_screen_get_state (screen) == VZ_SIM_SCREEN_ONLINE &&
          g_rand_double (self->rand) < p)
        vz_sim_screen_go_away (screen, g_rand_int_range (self->rand, 5, 91), "dropped off");
      else
        vz_sim_screen_tick (screen, now);
    }
  return G_SOURCE_CONTINUE;
}

static char *
screen_identifier (guint32 seed,
                   guint   index)
{
  g_autofree char *input = g_strdup_printf ("vizora-sim:%u:%u", seed, index);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, input, -1);

  /* Stable across runs with the same seed, distinct between seeds. */
  return g_strdup_printf ("sim-%.24s", digest);
}

static VzSimScreen *
add_screen (VzSimFleet *self,
            guint       index,
            gboolean    manual)
{
  g_autofree char *name = g_strdup_printf ("%s %03u", places[(self->seed + index) % G_N_ELEMENTS (places)], index + 1);
  g_autofree char *identifier = screen_identifier (self->seed, index);
  VzSimScreen *screen = vz_sim_screen_new (self->server_url, self->public_api, name, identifier,
                                           self->seed * 7919u + index);

  if (manual)
    g_object_set_data (G_OBJECT (screen), "vz-sim-manual", GINT_TO_POINTER (1));
  g_signal_connect (screen, "report", G_CALLBACK (screen_report_cb), self);
  g_signal_connect (screen, "code-ready", G_CALLBACK (screen_code_ready_cb), self);
  g_signal_connect (screen, "paired", G_CALLBACK (screen_paired_cb), self);
  g_signal_connect (screen, "unpaired", G_CALLBACK (screen_unpaired_cb), self);
  g_ptr_array_add (self->screens, screen);
  return screen;
}

static void
load_state (VzSimFleet *self,
            JsonObject *login)
{
  JsonNode *user = json_object_get_member (login, "user");
  const char *org = NULL;
  g_autofree char *file = NULL;

  if (user != NULL && JSON_NODE_HOLDS_OBJECT (user))
    org = json_object_get_string_member_with_default (json_node_get_object (user), "organizationId", NULL);
  /* Without an organization id the tokens cannot be filed safely: pair afresh. */
  if (org == NULL || strchr (org, '/') != NULL || org[0] == '.')
    return;

  file = g_strdup_printf ("%s-seed%u.ini", org, self->seed);
  self->state_path = g_build_filename (g_get_user_state_dir (), "vizora-sim", file, NULL);
  g_key_file_load_from_file (self->state, self->state_path, G_KEY_FILE_NONE, NULL);
}

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSimFleet *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) data = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  JsonObject *object = data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
  const char *token = object != NULL ? json_object_get_string_member_with_default (object, "access_token", NULL) : NULL;

  if (token == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, VZ_SIM_ERROR, VZ_SIM_ERROR_SIGN_IN,
                                 "Could not sign in as %s: %s", self->email,
                                 error != NULL ? error->message : "the server's answer had no access token");
      return;
    }
  vz_api_client_set_access_token (self->admin_api, token);
  load_state (self, object);

  for (guint i = 0; i < self->n_screens + self->n_unpaired; i++)
    {
      gboolean manual = i >= self->n_screens;
      VzSimScreen *screen = add_screen (self, i, manual);
      const char *group = vz_sim_screen_get_device_identifier (screen);
      g_autofree char *kept = g_key_file_get_string (self->state, group, "token", NULL);
      g_autofree char *display = g_key_file_get_string (self->state, group, "display", NULL);

      if (kept != NULL)
        vz_sim_screen_resume (screen, kept, display);
      else if (manual)
        vz_sim_screen_start_pairing (screen);
      else
        g_queue_push_tail (&self->waiting, g_object_ref (screen));
    }
  start_waiting (self);

  self->tick_id = g_timeout_add_seconds (TICK_S, tick_cb, self);

  g_task_return_boolean (task, TRUE);
}

/* ---- GObject -------------------------------------------------------------- */

static void
vz_sim_fleet_constructed (GObject *object)
{
  VzSimFleet *self = VZ_SIM_FLEET (object);
  g_autofree char *api_url = NULL;

  G_OBJECT_CLASS (vz_sim_fleet_parent_class)->constructed (object);

  /* Accept the origin or the API root: "http://host:3000" or ".../api/v1". */
  if (g_str_has_suffix (self->server_url, "/api/v1"))
    self->server_url[strlen (self->server_url) - strlen ("/api/v1")] = '\0';
  while (g_str_has_suffix (self->server_url, "/"))
    self->server_url[strlen (self->server_url) - 1] = '\0';

  api_url = g_strconcat (self->server_url, "/api/v1", NULL);
  self->public_api = vz_api_client_new (api_url);
  self->admin_api = vz_api_client_new (api_url);
  /* Pairing requests made on the admin's behalf are not held to the
   * server's per-client limit, which thousands of screens from one address
   * would exceed; the binding follows the admin's refreshed tokens. */
  g_object_bind_property (self->admin_api, "access-token", self->public_api, "access-token", G_BINDING_DEFAULT);
  self->rand = g_rand_new_with_seed (self->seed);
}

static void
vz_sim_fleet_dispose (GObject *object)
{
  VzSimFleet *self = VZ_SIM_FLEET (object);

  vz_sim_fleet_stop (self);
  g_queue_clear_full (&self->waiting, g_object_unref);
  g_clear_pointer (&self->screens, g_ptr_array_unref);
  g_clear_object (&self->public_api);
  g_clear_object (&self->admin_api);

  G_OBJECT_CLASS (vz_sim_fleet_parent_class)->dispose (object);
}

static void
vz_sim_fleet_finalize (GObject *object)
{
  VzSimFleet *self = VZ_SIM_FLEET (object);

  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->state, g_key_file_unref);
  g_free (self->state_path);
  g_free (self->server_url);
  g_free (self->email);
  g_free (self->password);

  G_OBJECT_CLASS (vz_sim_fleet_parent_class)->finalize (object);
}

static void
vz_sim_fleet_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VzSimFleet *self = VZ_SIM_FLEET (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;
    case PROP_SCREENS:
      g_value_set_uint (value, self->n_screens);
      break;
    case PROP_UNPAIRED:
      g_value_set_uint (value, self->n_unpaired);
      break;
    case PROP_CHURN:
      g_value_set_double (value, self->churn);
      break;
    case PROP_SEED:
      g_value_set_uint (value, self->seed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_sim_fleet_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VzSimFleet *self = VZ_SIM_FLEET (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      self->server_url = g_value_dup_string (value);
      break;
    case PROP_EMAIL:
      self->email = g_value_dup_string (value);
      break;
    case PROP_PASSWORD:
      self->password = g_value_dup_string (value);
      break;
    case PROP_SCREENS:
      self->n_screens = g_value_get_uint (value);
      break;
    case PROP_UNPAIRED:
      self->n_unpaired = g_value_get_uint (value);
      break;
    case PROP_CHURN:
      self->churn = g_value_get_double (value);
      break;
    case PROP_SEED:
      self->seed = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_sim_fleet_class_init (VzSimFleetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = vz_sim_fleet_constructed;
  object_class->dispose = vz_sim_fleet_dispose;
  object_class->finalize = vz_sim_fleet_finalize;
  object_class->get_property = vz_sim_fleet_get_property;
  object_class->set_property = vz_sim_fleet_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, "http://127.0.0.1:3000", G_PARAM_READWRITE | construct);
  properties[PROP_EMAIL] =
    g_param_spec_string ("email", NULL, NULL, NULL, G_PARAM_READWRITE | construct);
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL, NULL, G_PARAM_WRITABLE | construct);
  properties[PROP_SCREENS] =
    g_param_spec_uint ("screens", NULL, NULL, 0, 100000, 5, G_PARAM_READWRITE | construct);
  properties[PROP_UNPAIRED] =
    g_param_spec_uint ("unpaired", NULL, NULL, 0, 100000, 0, G_PARAM_READWRITE | construct);
  properties[PROP_CHURN] =
    g_param_spec_double ("churn", NULL, NULL, 0, 1, 0, G_PARAM_READWRITE | construct);
  properties[PROP_SEED] =
    g_param_spec_uint ("seed", NULL, NULL, 0, G_MAXUINT32, 1, G_PARAM_READWRITE | construct);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_sim_fleet_init (VzSimFleet *self)
{
  self->screens = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->state = g_key_file_new ();
  g_queue_init (&self->waiting);
}

/* ---- public API ----------------------------------------------------------- */

VzSimFleet *
vz_sim_fleet_new (const char *server_url,
                  const char *email,
                  const char *password,
                  guint       screens,
                  guint       unpaired,
                  double      churn,
                  guint32     seed)
{
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (email != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  return g_object_new (VZ_TYPE_SIM_FLEET,
                       "server-url", server_url,
                       "email", email,
                       "password", password,
                       "screens", screens,
                       "unpaired", unpaired,
                       "churn", CLAMP (churn, 0.0, 1.0),
                       "seed", seed,
                       NULL);
}

void
vz_sim_fleet_start_async (VzSimFleet          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (VZ_IS_SIM_FLEET (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_sim_fleet_start_async);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "email");
  json_builder_add_string_value (b, self->email);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, self->password);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  vz_api_client_request_async (self->admin_api, "POST", "/auth/login", body, cancellable,
                               login_cb, g_steal_pointer (&task));
}

gboolean
vz_sim_fleet_start_finish (VzSimFleet    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (VZ_IS_SIM_FLEET (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_sim_fleet_stop (VzSimFleet *self)
{
  g_return_if_fail (VZ_IS_SIM_FLEET (self));

  if (self->stopped)
    return;
  self->stopped = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->save_id != 0)
    save_state_now (self);
  for (guint i = 0; self->screens != NULL && i < self->screens->len; i++)
    vz_sim_screen_stop (g_ptr_array_index (self->screens, i));
}

guint
vz_sim_fleet_get_online (VzSimFleet *self)
{
  guint n = 0;

  g_return_val_if_fail (VZ_IS_SIM_FLEET (self), 0);

  for (guint i = 0; i < self->screens->len; i++)
    if (vz_sim_screen_get_state (g_ptr_array_index (self->screens, i)) == VZ_SIM_SCREEN_ONLINE)
      n++;
  return n;
}
