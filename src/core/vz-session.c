/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-session"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vz-outbox.h"
#include "vz-session-private.h"

#define ACCOUNT_FILE    "account.json"
#define ACCOUNT_VERSION 1

G_DEFINE_QUARK (vz-session-error-quark, vz_session_error)

GType
vz_session_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { VZ_SESSION_STATE_SIGNED_OUT, "VZ_SESSION_STATE_SIGNED_OUT", "signed-out" },
    { VZ_SESSION_STATE_SAVED, "VZ_SESSION_STATE_SAVED", "saved" },
    { VZ_SESSION_STATE_SIGNED_IN, "VZ_SESSION_STATE_SIGNED_IN", "signed-in" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("VzSessionState", values));
  return type;
}

struct _VzSession
{
  GObject      parent_instance;

  char        *server_url;
  char        *realtime_url;
  VzApiClient *api_client;

  char        *user_id;
  char        *user_email;
  char        *user_name;
  char        *role;
  char        *organization_id;
  char        *organization_name;
  VzSessionState state;
  gboolean     remember;

  /* The saved account's writer: one write (or delete) at a time, in order. */
  gboolean     writing;
  gboolean     write_again;
  gboolean     forget;          /* the wanted state on disk is "no file" */
  char        *forget_path;     /* that file, kept past clear_user() */
  GPtrArray   *save_waiters;    /* GTask* of save_async, answered when idle */
  GError      *write_error;     /* of the last write, for the waiters */
};

G_DEFINE_FINAL_TYPE (VzSession, vz_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_REALTIME_URL,
  PROP_API_CLIENT,
  PROP_USER_ID,
  PROP_USER_EMAIL,
  PROP_USER_NAME,
  PROP_ROLE,
  PROP_ORGANIZATION_ID,
  PROP_ORGANIZATION_NAME,
  PROP_SIGNED_IN,
  PROP_STATE,
  PROP_REMEMBER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string_prop (VzSession  *self,
                 char      **field,
                 const char *value,
                 guint       prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_state (VzSession      *self,
           VzSessionState  state)
{
  gboolean was_signed_in = self->state == VZ_SESSION_STATE_SIGNED_IN;

  if (self->state == state)
    return;
  self->state = state;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (was_signed_in != (state == VZ_SESSION_STATE_SIGNED_IN))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
set_signed_in (VzSession *self,
               gboolean   signed_in)
{
  set_state (self, signed_in ? VZ_SESSION_STATE_SIGNED_IN : VZ_SESSION_STATE_SIGNED_OUT);
}

static void save_kick (VzSession *self);
static char *account_path (VzSession *self);

static const char *
get_string (JsonObject *obj,
            const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
get_object (JsonObject *obj,
            const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static void
clear_user (VzSession *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  set_string_prop (self, &self->user_id, NULL, PROP_USER_ID);
  set_string_prop (self, &self->user_email, NULL, PROP_USER_EMAIL);
  set_string_prop (self, &self->user_name, NULL, PROP_USER_NAME);
  set_string_prop (self, &self->role, NULL, PROP_ROLE);
  set_string_prop (self, &self->organization_id, NULL, PROP_ORGANIZATION_ID);
  set_string_prop (self, &self->organization_name, NULL, PROP_ORGANIZATION_NAME);
  set_signed_in (self, FALSE);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Returns FALSE when @user is not a user record at all. */
static gboolean
apply_user (VzSession  *self,
            JsonObject *user)
{
  JsonObject *organization;
  const char *id, *first, *last, *email, *org_id;
  g_autofree char *name = NULL;

  if (user == NULL || (id = get_string (user, "id")) == NULL)
    return FALSE;

  first = get_string (user, "firstName");
  last = get_string (user, "lastName");
  email = get_string (user, "email");
  name = g_strstrip (g_strdup_printf ("%s %s", first != NULL ? first : "", last != NULL ? last : ""));
  if (*name == '\0')
    {
      g_free (name);
      name = g_strdup (email);
    }

  organization = get_object (user, "organization");
  org_id = get_string (user, "organizationId");
  if (org_id == NULL)
    org_id = get_string (organization, "id");

  g_object_freeze_notify (G_OBJECT (self));
  set_string_prop (self, &self->user_id, id, PROP_USER_ID);
  set_string_prop (self, &self->user_email, email, PROP_USER_EMAIL);
  set_string_prop (self, &self->user_name, name, PROP_USER_NAME);
  set_string_prop (self, &self->role, get_string (user, "role"), PROP_ROLE);
  set_string_prop (self, &self->organization_id, org_id, PROP_ORGANIZATION_ID);
  if (organization != NULL)
    set_string_prop (self, &self->organization_name, get_string (organization, "name"), PROP_ORGANIZATION_NAME);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

static void
on_unauthorized (VzApiClient *client,
                 VzSession   *self)
{
  /* The refresh failed: whoever shows the session must ask to sign in again. */
  set_signed_in (self, FALSE);
}

static void
on_token_changed (VzApiClient *client,
                  VzSession   *self)
{
  /* The refresh cookie rotated with the token: the saved one is spent. */
  if (self->remember && self->state != VZ_SESSION_STATE_SIGNED_OUT)
    save_kick (self);
}

static void
vz_session_constructed (GObject *object)
{
  VzSession *self = VZ_SESSION (object);
  g_autofree char *base = NULL;

  G_OBJECT_CLASS (vz_session_parent_class)->constructed (object);

  while (self->server_url != NULL && g_str_has_suffix (self->server_url, "/"))
    self->server_url[strlen (self->server_url) - 1] = '\0';
  base = g_strconcat (self->server_url != NULL ? self->server_url : "", "/api/v1", NULL);
  self->api_client = vz_api_client_new (base);
  g_signal_connect_object (self->api_client, "unauthorized", G_CALLBACK (on_unauthorized), self, 0);
  g_signal_connect_object (self->api_client, "token-changed", G_CALLBACK (on_token_changed), self, 0);
}

static void
vz_session_finalize (GObject *object)
{
  VzSession *self = VZ_SESSION (object);

  /* A write in flight holds a reference: nobody waits here. */
  g_assert (self->save_waiters == NULL || self->save_waiters->len == 0);
  g_clear_pointer (&self->save_waiters, g_ptr_array_unref);
  g_clear_error (&self->write_error);
  g_clear_pointer (&self->forget_path, g_free);
  g_clear_object (&self->api_client);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->realtime_url, g_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->user_email, g_free);
  g_clear_pointer (&self->user_name, g_free);
  g_clear_pointer (&self->role, g_free);
  g_clear_pointer (&self->organization_id, g_free);
  g_clear_pointer (&self->organization_name, g_free);

  G_OBJECT_CLASS (vz_session_parent_class)->finalize (object);
}

static void
vz_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VzSession *self = VZ_SESSION (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_REALTIME_URL:
      g_value_set_string (value, vz_session_get_realtime_url (self));
      break;
    case PROP_API_CLIENT:
      g_value_set_object (value, self->api_client);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_USER_EMAIL:
      g_value_set_string (value, self->user_email);
      break;
    case PROP_USER_NAME:
      g_value_set_string (value, self->user_name);
      break;
    case PROP_ROLE:
      g_value_set_string (value, self->role);
      break;
    case PROP_ORGANIZATION_ID:
      g_value_set_string (value, self->organization_id);
      break;
    case PROP_ORGANIZATION_NAME:
      g_value_set_string (value, self->organization_name);
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->state == VZ_SESSION_STATE_SIGNED_IN);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_REMEMBER:
      g_value_set_boolean (value, self->remember);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VzSession *self = VZ_SESSION (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      self->server_url = g_value_dup_string (value);
      break;
    case PROP_REALTIME_URL:
      vz_session_set_realtime_url (self, g_value_get_string (value));
      break;
    case PROP_REMEMBER:
      vz_session_set_remember (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_session_class_init (VzSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = vz_session_constructed;
  object_class->finalize = vz_session_finalize;
  object_class->get_property = vz_session_get_property;
  object_class->set_property = vz_session_set_property;

  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REALTIME_URL] =
    g_param_spec_string ("realtime-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_API_CLIENT] =
    g_param_spec_object ("api-client", NULL, NULL, VZ_TYPE_API_CLIENT, ro);
  properties[PROP_USER_ID] = g_param_spec_string ("user-id", NULL, NULL, NULL, ro);
  properties[PROP_USER_EMAIL] = g_param_spec_string ("user-email", NULL, NULL, NULL, ro);
  properties[PROP_USER_NAME] = g_param_spec_string ("user-name", NULL, NULL, NULL, ro);
  properties[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, ro);
  properties[PROP_ORGANIZATION_ID] = g_param_spec_string ("organization-id", NULL, NULL, NULL, ro);
  properties[PROP_ORGANIZATION_NAME] = g_param_spec_string ("organization-name", NULL, NULL, NULL, ro);
  properties[PROP_SIGNED_IN] = g_param_spec_boolean ("signed-in", NULL, NULL, FALSE, ro);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, VZ_TYPE_SESSION_STATE, VZ_SESSION_STATE_SIGNED_OUT, ro);
  properties[PROP_REMEMBER] =
    g_param_spec_boolean ("remember", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_session_init (VzSession *self)
{
  self->save_waiters = g_ptr_array_new ();
}

VzSession *
vz_session_new (const char *server_url)
{
  g_return_val_if_fail (server_url != NULL, NULL);

  return g_object_new (VZ_TYPE_SESSION, "server-url", server_url, NULL);
}

VzApiClient *
vz_session_get_api_client (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return self->api_client;
}

const char *
vz_session_get_server_url (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return self->server_url;
}

const char *
vz_session_get_realtime_url (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return self->realtime_url != NULL ? self->realtime_url : self->server_url;
}

void
vz_session_set_realtime_url (VzSession  *self,
                             const char *url)
{
  g_return_if_fail (VZ_IS_SESSION (self));

  if (url != NULL && *url == '\0')
    url = NULL;
  set_string_prop (self, &self->realtime_url, url, PROP_REALTIME_URL);
}

const char *
vz_session_get_access_token (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return vz_api_client_get_access_token (self->api_client);
}

const char *
vz_session_get_user_email (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return self->user_email;
}

const char *
vz_session_get_user_name (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return self->user_name;
}

const char *
vz_session_get_role (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return self->role;
}

const char *
vz_session_get_organization_id (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return self->organization_id;
}

const char *
vz_session_get_organization_name (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return self->organization_name;
}

gboolean
vz_session_get_signed_in (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), FALSE);
  return self->state == VZ_SESSION_STATE_SIGNED_IN;
}

const char *
vz_session_get_user_id (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return self->user_id;
}

VzSessionState
vz_session_get_state (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), VZ_SESSION_STATE_SIGNED_OUT);
  return self->state;
}

gboolean
vz_session_get_remember (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), FALSE);
  return self->remember;
}

void
vz_session_set_remember (VzSession *self,
                         gboolean   remember)
{
  g_return_if_fail (VZ_IS_SESSION (self));

  remember = !!remember;
  if (self->remember == remember)
    return;
  self->remember = remember;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMEMBER]);
}

gboolean
vz_session_can_write (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), FALSE);
  return g_strcmp0 (self->role, "admin") == 0 || g_strcmp0 (self->role, "manager") == 0;
}

/* ------------------------------------------------------------------------ */

static void
on_me (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  JsonObject *user = NULL;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    {
      /* A saved sign-in outlives a server that is away: the app works from
       * it offline, and the engine tries again when the server answers. */
      if (self->state == VZ_SESSION_STATE_SAVED &&
          (error->domain != VZ_API_ERROR ||
           error->code == VZ_API_ERROR_NETWORK || error->code == VZ_API_ERROR_TIMEOUT ||
           error->code == VZ_API_ERROR_SERVER || error->code == VZ_API_ERROR_RATE_LIMITED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      vz_api_client_set_access_token (self->api_client, NULL);
      clear_user (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* {user:{…}} per the contract; a bare user object is accepted too. */
  if (JSON_NODE_HOLDS_OBJECT (payload))
    {
      user = get_object (json_node_get_object (payload), "user");
      if (user == NULL)
        user = json_node_get_object (payload);
    }
  if (!apply_user (self, user))
    {
      vz_api_client_set_access_token (self->api_client, NULL);
      clear_user (self);
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The server did not say who is signed in. Is this a Vizora server?"));
      return;
    }

  set_signed_in (self, TRUE);
  if (self->remember)
    {
      self->forget = FALSE;
      save_kick (self);
    }
  g_task_return_boolean (task, TRUE);
}

static void
fetch_me (GTask *task)
{
  VzSession *self = g_task_get_source_object (task);

  vz_api_client_request_async (self->api_client, "GET", "/auth/me", NULL,
                               g_task_get_cancellable (task), on_me, task);
}

/* "Too many sign-in attempts. Try again in 2 minutes." from Retry-After:
 * whole seconds under a minute, else minutes (rounded up), else hours. */
static char *
sign_in_wait_message (guint seconds)
{
  guint minutes = (seconds + 59) / 60;
  guint hours = (seconds + 3599) / 3600;

  if (seconds == 0)
    return g_strdup (_("Too many sign-in attempts. Try again in a moment."));
  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Too many sign-in attempts. Try again in %u second.",
                                         "Too many sign-in attempts. Try again in %u seconds.", seconds),
                            seconds);
  if (minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Too many sign-in attempts. Try again in %u minute.",
                                         "Too many sign-in attempts. Try again in %u minutes.", minutes),
                            minutes);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Too many sign-in attempts. Try again in %u hour.",
                                       "Too many sign-in attempts. Try again in %u hours.", hours),
                          hours);
}

static void
on_login (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  const char *token = NULL;
  guint retry_after = 0;

  payload = vz_api_client_request_full_finish (VZ_API_CLIENT (source), result, &retry_after, NULL, &error);
  if (payload == NULL)
    {
      /* The platform answers a wrong password with 401: say it in words. */
      if (g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED))
        g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED,
                                 _("The email address or password is not correct."));
      /* The wait, in words, whatever the server's own sentence says. */
      else if (g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_RATE_LIMITED))
        {
          g_autofree char *message = sign_in_wait_message (retry_after);

          g_task_return_error (task, g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_RATE_LIMITED, message));
        }
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (payload))
    token = get_string (json_node_get_object (payload), "access_token");
  if (token == NULL || *token == '\0')
    {
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The server accepted the sign-in but sent no access token."));
      return;
    }

  vz_api_client_set_access_token (self->api_client, token);
  apply_user (self, get_object (json_node_get_object (payload), "user"));
  fetch_me (g_steal_pointer (&task));
}

void
vz_session_login_async (VzSession           *self,
                        const char          *email,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonObject) obj = json_object_new ();
  GTask *task;

  g_return_if_fail (VZ_IS_SESSION (self));
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_session_login_async);

  json_object_set_string_member (obj, "email", email);
  json_object_set_string_member (obj, "password", password);
  body = json_node_init_object (json_node_alloc (), obj);

  /* A stale token must not ride along on the sign-in request. */
  vz_api_client_set_access_token (self->api_client, NULL);
  vz_api_client_request_full_async (self->api_client, "POST", "/auth/login", body, NULL,
                                    cancellable, on_login, task);
}

gboolean
vz_session_login_finish (VzSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_session_resume_async (VzSession           *self,
                         const char          *access_token,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VZ_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_session_resume_async);

  if (access_token == NULL || *access_token == '\0')
    {
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED,
                               _("You are not signed in."));
      g_object_unref (task);
      return;
    }

  vz_api_client_set_access_token (self->api_client, access_token);
  fetch_me (task);
}

gboolean
vz_session_resume_finish (VzSession     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_logout (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;

  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);

  /* Signed out locally whatever the server said: the user asked for it. The
   * saved sign-in goes before the user's id, which names its folder. */
  if (!self->forget)
    {
      g_free (self->forget_path);
      self->forget_path = account_path (self);
    }
  self->forget = TRUE;
  save_kick (self);
  vz_api_client_set_access_token (self->api_client, NULL);
  clear_user (self);

  if (payload == NULL && !g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
vz_session_logout_async (VzSession           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VZ_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_session_logout_async);
  vz_api_client_request_async (self->api_client, "POST", "/auth/logout", NULL,
                               cancellable, on_logout, task);
}

gboolean
vz_session_logout_finish (VzSession     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* The saved account                                                        */

char *
vz_session_saved_account_path (const char *server_url,
                               const char *user_id)
{
  g_autofree char *account = NULL;
  g_autofree char *outbox = NULL;
  g_autofree char *folder = NULL;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  /* The engine's account key, so the account sits beside its outbox and
   * snapshot and goes with them. */
  account = g_strdup_printf ("%s %s", server_url, user_id);
  outbox = vz_outbox_path_for_account (account);
  folder = g_path_get_dirname (outbox);
  return g_build_filename (folder, ACCOUNT_FILE, NULL);
}

static char *
compose_account (VzSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *cookie = vz_api_client_dup_refresh_cookie (self->api_client);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, ACCOUNT_VERSION);
  /* Microseconds: the newest of several saved within a second wins. */
  json_builder_set_member_name (builder, "savedAtUs");
  json_builder_add_int_value (builder, g_date_time_to_unix (now) * G_USEC_PER_SEC +
                                       g_date_time_get_microsecond (now));
  json_builder_set_member_name (builder, "serverUrl");
  json_builder_add_string_value (builder, self->server_url);
  json_builder_set_member_name (builder, "realtimeUrl");
  json_builder_add_string_value (builder, self->realtime_url);
  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->user_id);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, self->user_email);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->user_name);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, self->role);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "organization");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->organization_id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->organization_name);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "accessToken");
  json_builder_add_string_value (builder, vz_api_client_get_access_token (self->api_client));
  json_builder_set_member_name (builder, "refreshCookie");
  json_builder_add_string_value (builder, cookie);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

typedef struct {
  char *path;
  char *text;   /* NULL: delete the file */
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_free (data->path);
  if (data->text != NULL)
    explicit_bzero (data->text, strlen (data->text));
  g_free (data->text);
  g_free (data);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *data = task_data;
  g_autofree char *folder = g_path_get_dirname (data->path);
  g_autoptr(GError) error = NULL;

  if (data->text == NULL)
    {
      if (g_unlink (data->path) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_task_return_new_error (task, VZ_SESSION_ERROR, VZ_SESSION_ERROR_IO,
                                   _("The saved sign-in %s could not be removed: %s."),
                                   data->path, g_strerror (saved));
          return;
        }
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, VZ_SESSION_ERROR, VZ_SESSION_ERROR_IO,
                               _("The folder %s for the saved sign-in could not be created: %s."),
                               folder, g_strerror (saved));
      return;
    }
  /* The token is a password: 0600 from the first byte, and a crash leaves
   * the old file or the new one. */
  if (!g_file_set_contents_full (data->path, data->text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    {
      g_task_return_new_error (task, VZ_SESSION_ERROR, VZ_SESSION_ERROR_IO,
                               _("The sign-in could not be saved: %s."), error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
answer_save_waiters (VzSession *self)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->save_waiters);

  self->save_waiters = g_ptr_array_new ();
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (self->write_error != NULL)
        g_task_return_error (task, g_error_copy (self->write_error));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VzSession *self = VZ_SESSION (source);
  g_autoptr(GError) error = NULL;

  self->writing = FALSE;
  g_clear_error (&self->write_error);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_message ("%s", error->message);
      self->write_error = g_steal_pointer (&error);
    }

  if (self->write_again)
    {
      self->write_again = FALSE;
      save_kick (self);
      return;
    }
  answer_save_waiters (self);
}

static void
save_kick (VzSession *self)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data;
  g_autofree char *path = NULL;

  if (self->writing)
    {
      self->write_again = TRUE;
      return;
    }

  path = account_path (self);
  if (path == NULL)
    {
      g_clear_error (&self->write_error);
      if (!self->forget)
        self->write_error = g_error_new_literal (VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED,
                                                 _("Nobody is signed in, so there is no sign-in to save."));
      answer_save_waiters (self);
      return;
    }

  data = g_new0 (WriteData, 1);
  data->path = g_steal_pointer (&path);
  data->text = self->forget ? NULL : compose_account (self);
  self->writing = TRUE;
  task = g_task_new (self, NULL, on_written, NULL);
  g_task_set_source_tag (task, save_kick);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_thread);
}

/* Where this session's account is (or was) saved; NULL before anyone signed in. */
static char *
account_path (VzSession *self)
{
  if (self->forget)
    return g_strdup (self->forget_path);
  if (self->user_id == NULL || self->server_url == NULL)
    return NULL;
  return vz_session_saved_account_path (self->server_url, self->user_id);
}

void
vz_session_save_async (VzSession           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VZ_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_session_save_async);
  if (self->state == VZ_SESSION_STATE_SIGNED_OUT || self->user_id == NULL)
    {
      g_task_return_new_error (task, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED,
                               _("Nobody is signed in, so there is no sign-in to save."));
      g_object_unref (task);
      return;
    }
  self->forget = FALSE;
  g_ptr_array_add (self->save_waiters, task);
  save_kick (self);
}

gboolean
vz_session_save_finish (VzSession     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- restoring ---- */

typedef struct {
  char *server_url;  /* NULL: any server on this computer */
  char *email;
} FindData;

static void
find_data_free (FindData *data)
{
  g_free (data->server_url);
  g_free (data->email);
  g_free (data);
}

static char *
normalize_url (const char *url)
{
  char *copy = g_strdup (url);
  gsize len = strlen (copy);

  while (len > 0 && copy[len - 1] == '/')
    copy[--len] = '\0';
  return copy;
}

gboolean
_vz_url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static JsonObject *
read_account (const char *path)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *obj, *user;
  JsonNode *version;

  if (!g_file_get_contents (path, &text, &length, NULL))
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, length, NULL))
    {
      explicit_bzero (text, length);
      return NULL;
    }
  explicit_bzero (text, length);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  obj = json_node_get_object (root);
  version = json_object_get_member (obj, "version");
  if (version == NULL || json_node_get_value_type (version) != G_TYPE_INT64 ||
      json_node_get_int (version) != ACCOUNT_VERSION)
    return NULL;
  user = get_object (obj, "user");
  if (get_string (obj, "serverUrl") == NULL || get_string (user, "id") == NULL ||
      get_string (obj, "accessToken") == NULL)
    return NULL;
  return json_object_ref (obj);
}

static gint64
saved_at (JsonObject *obj)
{
  JsonNode *node = json_object_get_member (obj, "savedAtUs");

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

static void
find_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FindData *data = task_data;
  g_autofree char *probe = vz_outbox_path_for_account ("probe");
  g_autofree char *folder = g_path_get_dirname (probe);
  g_autofree char *root = g_path_get_dirname (folder);
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  g_autofree char *wanted = data->server_url != NULL ? normalize_url (data->server_url) : NULL;
  JsonObject *best = NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, ACCOUNT_FILE, NULL);
      g_autoptr(JsonObject) obj = read_account (path);
      g_autofree char *url = NULL;
      const char *email;

      if (obj == NULL)
        continue;
      url = normalize_url (get_string (obj, "serverUrl"));
      if (wanted != NULL ? g_ascii_strcasecmp (url, wanted) != 0 : !_vz_url_is_loopback (url))
        continue;
      email = get_string (get_object (obj, "user"), "email");
      if (data->email != NULL && *data->email != '\0' &&
          (email == NULL || g_ascii_strcasecmp (email, data->email) != 0))
        continue;
      if (best == NULL || saved_at (obj) > saved_at (best))
        {
          g_clear_pointer (&best, json_object_unref);
          best = g_steal_pointer (&obj);
        }
    }

  if (best == NULL)
    {
      g_task_return_new_error (task, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED,
                               _("No sign-in is saved for this server on this computer."));
      return;
    }
  g_task_return_pointer (task, best, (GDestroyNotify) json_object_unref);
}

void
vz_session_restore_saved_async (const char          *server_url,
                                const char          *email,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FindData *data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_session_restore_saved_async);
  data = g_new0 (FindData, 1);
  data->server_url = g_strdup (server_url);
  data->email = g_strdup (email);
  g_task_set_task_data (task, data, (GDestroyNotify) find_data_free);
  g_task_run_in_thread (task, find_thread);
}

VzSession *
vz_session_restore_saved_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(JsonObject) user = NULL;
  VzSession *self;
  JsonObject *organization;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_session_restore_saved_async, NULL);

  obj = g_task_propagate_pointer (G_TASK (result), error);
  if (obj == NULL)
    return NULL;

  self = vz_session_new (get_string (obj, "serverUrl"));
  vz_session_set_realtime_url (self, get_string (obj, "realtimeUrl"));
  vz_session_set_remember (self, TRUE);
  vz_api_client_set_access_token (self->api_client, get_string (obj, "accessToken"));
  vz_api_client_set_refresh_cookie (self->api_client, get_string (obj, "refreshCookie"));

  /* The saved record in the shape apply_user() knows from /auth/me. */
  user = json_object_new ();
  organization = get_object (obj, "organization");
  {
    JsonObject *saved = get_object (obj, "user");
    const char *name = get_string (saved, "name");

    json_object_set_string_member (user, "id", get_string (saved, "id"));
    if (get_string (saved, "email") != NULL)
      json_object_set_string_member (user, "email", get_string (saved, "email"));
    /* apply_user() joins first and last name: the saved name is whole. */
    if (name != NULL)
      json_object_set_string_member (user, "firstName", name);
    if (get_string (saved, "role") != NULL)
      json_object_set_string_member (user, "role", get_string (saved, "role"));
    if (get_string (organization, "id") != NULL)
      json_object_set_string_member (user, "organizationId", get_string (organization, "id"));
    if (organization != NULL)
      json_object_set_object_member (user, "organization", json_object_ref (organization));
  }
  apply_user (self, user);
  set_state (self, VZ_SESSION_STATE_SAVED);
  return self;
}
