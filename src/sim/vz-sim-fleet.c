/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sim"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "vz-api-client.h"
#include "vz-realtime-client.h"
#include "vz-sim-fleet-private.h"
#include "vz-sim-screen.h"
#include "vz-sim-shard.h"

/* Screens per thread (VzSimShard), and at most this many threads. */
#define SCREENS_PER_SHARD      2500
#define MAX_SHARDS             8
#define RETRY_S                5

G_DEFINE_QUARK (vz-sim-error-quark, vz_sim_error)

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

static void
screen_init_free (ScreenInit *init)
{
  g_free (init->name);
  g_free (init->identifier);
  g_free (init->token);
  g_free (init->display);
  g_free (init);
}

gboolean
_vz_sim_fleet_screen_is_manual (VzSimScreen *screen)
{
  return g_object_get_data (G_OBJECT (screen), "vz-sim-manual") != NULL;
}

Shard *
_vz_sim_fleet_screen_shard (VzSimScreen *screen)
{
  return g_object_get_data (G_OBJECT (screen), "vz-sim-shard");
}

/* ---- calls between the threads -------------------------------------------- */

Call *
_vz_sim_fleet_call_new (CallFunc     func,
                        VzSimFleet  *fleet,
                        VzSimScreen *screen)
{
  Call *call = g_new0 (Call, 1);

  call->func = func;
  call->fleet = fleet;
  call->screen = screen != NULL ? g_object_ref (screen) : NULL;
  return call;
}

static void
call_clear_strings (Call *call)
{
  g_free (call->code);
  g_free (call->identifier);
  if (call->token != NULL)
    explicit_bzero (call->token, strlen (call->token));
  g_free (call->token);
  g_free (call->display);
}

static gboolean
call_run (gpointer user_data)
{
  Call *call = user_data;

  call->func (call);
  return G_SOURCE_REMOVE;
}

static void
call_free_main (gpointer user_data)
{
  Call *call = user_data;

  g_clear_object (&call->screen);
  g_clear_object (&call->fleet);
  call_clear_strings (call);
  g_free (call);
}

static void
call_free_shard (gpointer user_data)
{
  Call *call = user_data;

  g_clear_object (&call->screen);
  call_clear_strings (call);
  g_free (call);
}

/* Runs @call in the main thread; takes it. */
void
_vz_sim_fleet_call_main (Call *call)
{
  GSource *source = g_idle_source_new ();

  g_object_ref (call->fleet);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, call_run, call, call_free_main);
  g_source_set_static_name (source, "[vizora-sim] fleet call");
  g_source_attach (source, call->fleet->context);
  g_source_unref (source);
}

/* Runs @call in the thread of its screen's shard; takes it. */
static void
call_shard (Call *call)
{
  vz_sim_shard_invoke (_vz_sim_fleet_screen_shard (call->screen)->thread, call_run, call, call_free_shard);
}

/* ---- the main thread: tokens file ----------------------------------------- */

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

/* Pairing 500 screens should not rewrite the file 500 times. Once the fleet
 * is stopping, a token that still arrives is written at once: the server has
 * handed it over and will not again, so a token lost here would leave its
 * screen refused on the next run. */
static void
schedule_save (VzSimFleet *self)
{
  if (self->stopped)
    save_state_now (self);
  else if (self->save_id == 0)
    self->save_id = g_timeout_add_seconds (1, save_state_cb, self);
}

/* ---- the main thread: pairing --------------------------------------------- */

static void start_waiting (VzSimFleet *self);

void
_vz_sim_fleet_main_add_waiting (Call *call)
{
  g_queue_push_tail (&call->fleet->waiting, g_object_ref (call->screen));
  start_waiting (call->fleet);
}

void
_vz_sim_fleet_main_paired (Call *call)
{
  VzSimFleet *self = call->fleet;

  g_key_file_set_string (self->state, call->identifier, "token", call->token);
  if (call->display != NULL)
    g_key_file_set_string (self->state, call->identifier, "display", call->display);
  schedule_save (self);

  if (call->manual)
    return;
  if (g_object_get_data (G_OBJECT (call->screen), "vz-sim-counted") != NULL)
    {
      g_object_set_data (G_OBJECT (call->screen), "vz-sim-counted", NULL);
      self->in_flight--;
    }
  start_waiting (self);
}

void
_vz_sim_fleet_main_unpaired (Call *call)
{
  g_key_file_remove_group (call->fleet->state, call->identifier, NULL);
  schedule_save (call->fleet);
}

/* ---- the main thread: screens the server holds as paired ------------------ */

/* A screen that the server holds as paired while this simulator has no token
 * for it (an earlier run ended after the server handed the token over and
 * before the tokens file was written) is refused a pairing code for good:
 * "Device is already paired. Please unpair first." The admin does what a
 * person would: it removes the screen's old entry, and the screen's next
 * request for a code (it asks again every few seconds) pairs it afresh. A
 * refusal for any other reason finds no entry and changes nothing. Each
 * identifier is looked up once. */

static void look_up_refused (VzSimFleet *self);

typedef struct {
  VzSimFleet *fleet;
  GHashTable *identifiers;   /* looked up in this pass */
} RefusedLookup;

static void
refused_lookup_free (RefusedLookup *lookup)
{
  g_object_unref (lookup->fleet);
  g_hash_table_unref (lookup->identifiers);
  g_free (lookup);
}

static gboolean
look_up_refused_cb (gpointer user_data)
{
  look_up_refused (user_data);
  return G_SOURCE_REMOVE;
}

static void
refused_deleted_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);

  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_print ("could not remove the old entries of screens paired in an earlier run (%s)\n", error->message);
      fflush (stdout);
    }
}

static void
delete_displays (VzSimFleet *self,
                 GPtrArray  *ids)
{
  /* The bulk route takes 1–100 ids a request. */
  for (guint start = 0; start < ids->len; start += 100)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "displayIds");
      json_builder_begin_array (b);
      for (guint i = start; i < MIN (start + 100, ids->len); i++)
        json_builder_add_string_value (b, g_ptr_array_index (ids, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      body = json_builder_get_root (b);
      vz_api_client_request_async (self->admin_api, "POST", "/displays/bulk/delete", body,
                                   self->cancellable, refused_deleted_cb, NULL);
    }
}

static void
refused_listed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RefusedLookup *lookup = user_data;
  VzSimFleet *self = lookup->fleet;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) displays = vz_api_client_list_all_finish (VZ_API_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) stale = g_ptr_array_new ();

  self->refused_lookup = FALSE;
  if (displays == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->stopped)
        {
          GHashTableIter iter;
          gpointer identifier;

          g_print ("could not list the displays to find screens paired in an earlier run (%s); "
                   "trying again in %d s\n", error->message, RETRY_S);
          fflush (stdout);
          g_hash_table_iter_init (&iter, lookup->identifiers);
          while (g_hash_table_iter_next (&iter, &identifier, NULL))
            g_hash_table_add (self->refused_pending, g_strdup (identifier));
          g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, RETRY_S, look_up_refused_cb,
                                      g_object_ref (self), g_object_unref);
        }
      refused_lookup_free (lookup);
      return;
    }

  for (guint i = 0; i < displays->len; i++)
    {
      JsonObject *display = g_ptr_array_index (displays, i);
      const char *identifier = json_object_get_string_member_with_default (display, "deviceIdentifier", NULL);
      const char *id = json_object_get_string_member_with_default (display, "id", NULL);

      if (identifier != NULL && id != NULL && g_hash_table_contains (lookup->identifiers, identifier))
        g_ptr_array_add (stale, (gpointer) id);
    }
  if (stale->len > 0 && !self->stopped)
    {
      g_print ("%u screen(s) paired in an earlier run whose tokens were not kept; removing their old entries "
               "so that they pair again\n", stale->len);
      fflush (stdout);
      delete_displays (self, stale);
    }
  refused_lookup_free (lookup);
  look_up_refused (self);
}

static void
look_up_refused (VzSimFleet *self)
{
  RefusedLookup *lookup;

  if (self->stopped || self->refused_lookup || g_hash_table_size (self->refused_pending) == 0)
    return;
  self->refused_lookup = TRUE;
  lookup = g_new0 (RefusedLookup, 1);
  lookup->fleet = g_object_ref (self);
  lookup->identifiers = g_steal_pointer (&self->refused_pending);
  self->refused_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  vz_api_client_list_all_async (self->admin_api, "/displays", self->cancellable, refused_listed_cb, lookup);
}

void
_vz_sim_fleet_main_refused (Call *call)
{
  VzSimFleet *self = call->fleet;

  if (self->stopped || g_hash_table_contains (self->refused_checked, call->identifier))
    return;
  g_hash_table_add (self->refused_checked, g_strdup (call->identifier));
  g_hash_table_add (self->refused_pending, g_strdup (call->identifier));
  look_up_refused (self);
}

void
_vz_sim_fleet_shard_call_complete (Call *call)
{
  if (!call->fleet->stopped)
    _vz_sim_fleet_complete_pairing (call->fleet, call->screen, call->code);
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

static gboolean
retry_complete_cb (gpointer user_data)
{
  CompleteData *data = user_data;

  if (!data->fleet->stopped)
    {
      Call *call = _vz_sim_fleet_call_new (_vz_sim_fleet_shard_retry_complete, data->fleet, data->screen);

      call->code = g_strdup (data->code);
      call_shard (call);
    }
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
          call_shard (_vz_sim_fleet_call_new (_vz_sim_fleet_shard_stop_screen, data->fleet, data->screen));
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
      call_shard (_vz_sim_fleet_call_new (_vz_sim_fleet_shard_poll_now, data->fleet, data->screen));
    }

  if (data != NULL)
    complete_data_free (data);
}

void
_vz_sim_fleet_complete_pairing (VzSimFleet  *self,
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
start_waiting (VzSimFleet *self)
{
  while (!self->stopped && self->in_flight < MAX_PAIRING_IN_FLIGHT && !g_queue_is_empty (&self->waiting))
    {
      VzSimScreen *screen = g_queue_pop_head (&self->waiting);

      self->in_flight++;
      g_object_set_data (G_OBJECT (screen), "vz-sim-counted", GINT_TO_POINTER (1));
      call_shard (_vz_sim_fleet_call_new (_vz_sim_fleet_shard_start_pairing, self, screen));
      g_object_unref (screen);
    }
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
start_shards (VzSimFleet *self)
{
  guint total = self->n_screens + self->n_unpaired;
  guint n_shards = CLAMP ((total + SCREENS_PER_SHARD - 1) / SCREENS_PER_SHARD, 1, MAX_SHARDS);

  for (guint s = 0; s < n_shards; s++)
    {
      Shard *shard = g_new0 (Shard, 1);

      shard->fleet = self;
      shard->index = s;
      shard->inits = g_ptr_array_new_with_free_func ((GDestroyNotify) screen_init_free);
      shard->rand = g_rand_new_with_seed (self->seed * 7919u + s);
      shard->start_token = g_strdup (vz_api_client_get_access_token (self->admin_api));
      shard->start_faults = g_array_copy (self->faults);
      g_ptr_array_add (self->shards, shard);
    }

  for (guint i = 0; i < total; i++)
    {
      ScreenInit *init = g_new0 (ScreenInit, 1);
      Shard *shard = g_ptr_array_index (self->shards, i % n_shards);

      init->name = g_strdup_printf ("%s %03u", places[(self->seed + i) % G_N_ELEMENTS (places)], i + 1);
      init->identifier = screen_identifier (self->seed, i);
      init->seed = self->seed * 7919u + i;
      init->manual = i >= self->n_screens;
      init->token = g_key_file_get_string (self->state, init->identifier, "token", NULL);
      init->display = g_key_file_get_string (self->state, init->identifier, "display", NULL);
      g_ptr_array_add (shard->inits, init);
    }

  for (guint s = 0; s < n_shards; s++)
    {
      Shard *shard = g_ptr_array_index (self->shards, s);
      g_autofree char *name = g_strdup_printf ("vizora-sim-%u", s);

      shard->thread = vz_sim_shard_new (name, n_shards);
      vz_sim_shard_invoke (shard->thread, _vz_sim_fleet_shard_start_cb, shard, NULL);
    }
}

static void
shard_free (Shard *shard)
{
  vz_sim_shard_free (shard->thread, _vz_sim_fleet_shard_teardown_cb, shard);
  g_clear_pointer (&shard->inits, g_ptr_array_unref);
  g_clear_pointer (&shard->rand, g_rand_free);
  g_clear_pointer (&shard->start_faults, g_array_unref);
  g_free (shard->start_token);
  g_free (shard);
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
  if (!self->stopped)
    {
      start_shards (self);
      g_signal_connect_object (self->admin_api, "notify::access-token",
                               G_CALLBACK (_vz_sim_fleet_admin_token_changed_cb), self, 0);
    }

  g_task_return_boolean (task, TRUE);
}

/* ---- GObject -------------------------------------------------------------- */

static void
vz_sim_fleet_constructed (GObject *object)
{
  VzSimFleet *self = VZ_SIM_FLEET (object);
  G_OBJECT_CLASS (vz_sim_fleet_parent_class)->constructed (object);

  /* Accept the origin or the API root: "http://host:3000" or ".../api/v1". */
  if (g_str_has_suffix (self->server_url, "/api/v1"))
    self->server_url[strlen (self->server_url) - strlen ("/api/v1")] = '\0';
  while (g_str_has_suffix (self->server_url, "/"))
    self->server_url[strlen (self->server_url) - 1] = '\0';

  self->api_url = g_strconcat (self->server_url, "/api/v1", NULL);
  self->admin_api = g_object_new (VZ_TYPE_API_CLIENT, "base-url", self->api_url,
                                  "max-connections", MAX_PAIRING_IN_FLIGHT, NULL);
}

static void
vz_sim_fleet_dispose (GObject *object)
{
  VzSimFleet *self = VZ_SIM_FLEET (object);

  vz_sim_fleet_stop (self);
  g_queue_clear_full (&self->waiting, g_object_unref);
  /* Each shard drops its screens in its own thread before it ends. */
  g_clear_pointer (&self->shards, g_ptr_array_unref);
  g_clear_object (&self->admin_api);

  G_OBJECT_CLASS (vz_sim_fleet_parent_class)->dispose (object);
}

static void
vz_sim_fleet_finalize (GObject *object)
{
  VzSimFleet *self = VZ_SIM_FLEET (object);

  g_clear_object (&self->cancellable);
  g_main_context_unref (self->context);
  g_clear_pointer (&self->state, g_key_file_unref);
  g_clear_pointer (&self->faults, g_array_unref);
  g_clear_pointer (&self->refused_pending, g_hash_table_unref);
  g_clear_pointer (&self->refused_checked, g_hash_table_unref);
  g_free (self->state_path);
  g_free (self->server_url);
  g_free (self->api_url);
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
  self->context = g_main_context_ref_thread_default ();
  self->shards = g_ptr_array_new_with_free_func ((GDestroyNotify) shard_free);
  self->cancellable = g_cancellable_new ();
  self->state = g_key_file_new ();
  self->faults = g_array_new (FALSE, FALSE, sizeof (FaultOrder));
  self->refused_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->refused_checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
  if (self->save_id != 0)
    save_state_now (self);
  for (guint i = 0; self->shards != NULL && i < self->shards->len; i++)
    {
      Shard *shard = g_ptr_array_index (self->shards, i);

      vz_sim_shard_invoke (shard->thread, _vz_sim_fleet_shard_stop_cb, shard, NULL);
    }
}

guint
vz_sim_fleet_get_online (VzSimFleet *self)
{
  guint n = 0;

  g_return_val_if_fail (VZ_IS_SIM_FLEET (self), 0);

  for (guint i = 0; i < self->shards->len; i++)
    n += (guint) g_atomic_int_get (&((Shard *) g_ptr_array_index (self->shards, i))->online);
  return n;
}

void
vz_sim_fleet_set_fault (VzSimFleet *self,
                        VzSimFault  fault,
                        guint       count)
{
  FaultOrder order = { fault, count };

  g_return_if_fail (VZ_IS_SIM_FLEET (self));

  if (self->shards->len == 0)
    {
      if (fault == VZ_SIM_FAULT_NONE)
        g_array_set_size (self->faults, 0);
      else
        g_array_append_val (self->faults, order);
      return;
    }
  for (guint i = 0; i < self->shards->len; i++)
    {
      FaultCall *call = g_new0 (FaultCall, 1);

      call->shard = g_ptr_array_index (self->shards, i);
      call->order = order;
      vz_sim_shard_invoke (call->shard->thread, _vz_sim_fleet_shard_fault_cb, call, g_free);
    }
}

gboolean
vz_sim_fault_parse (const char *text,
                    VzSimFault *fault,
                    guint      *count)
{
  static const struct {
    const char *name;
    VzSimFault  fault;
  } names[] = {
    { "overheat", VZ_SIM_FAULT_OVERHEAT },
    { "disk-full", VZ_SIM_FAULT_DISK_FULL },
    { "cpu-spike", VZ_SIM_FAULT_CPU_SPIKE },
    { "memory-leak", VZ_SIM_FAULT_MEMORY_LEAK },
    { "drop", VZ_SIM_FAULT_DROP },
  };
  const char *colon;
  gsize name_len;
  guint64 n = 1;

  g_return_val_if_fail (text != NULL && fault != NULL && count != NULL, FALSE);

  colon = strchr (text, ':');
  name_len = colon != NULL ? (gsize) (colon - text) : strlen (text);
  if (colon != NULL && !g_ascii_string_to_unsigned (colon + 1, 10, 1, 100000, &n, NULL))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strlen (names[i].name) == name_len && strncmp (text, names[i].name, name_len) == 0)
      {
        *fault = names[i].fault;
        *count = (guint) n;
        return TRUE;
      }
  return FALSE;
}
