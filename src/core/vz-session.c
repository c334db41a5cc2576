/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-session"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-json-private.h"
#include "vz-session-private.h"

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
  PROP_KEYRING_PROBLEM,
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

void
_vz_session_set_state (VzSession      *self,
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

void
_vz_session_set_keyring_problem (VzSession  *self,
                                 const char *problem)
{
  set_string_prop (self, &self->keyring_problem, problem, PROP_KEYRING_PROBLEM);
}

static void
set_signed_in (VzSession *self,
               gboolean   signed_in)
{
  _vz_session_set_state (self, signed_in ? VZ_SESSION_STATE_SIGNED_IN : VZ_SESSION_STATE_SIGNED_OUT);
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
gboolean
_vz_session_apply_user (VzSession  *self,
                        JsonObject *user)
{
  JsonObject *organization;
  const char *id, *first, *last, *email, *org_id;
  g_autofree char *name = NULL;

  if (user == NULL || (id = _vz_json_string (user, "id")) == NULL)
    return FALSE;

  first = _vz_json_string (user, "firstName");
  last = _vz_json_string (user, "lastName");
  email = _vz_json_string (user, "email");
  name = g_strstrip (g_strdup_printf ("%s %s", first != NULL ? first : "", last != NULL ? last : ""));
  if (*name == '\0')
    {
      g_free (name);
      name = g_strdup (email);
    }

  organization = _vz_json_object (user, "organization");
  org_id = _vz_json_string (user, "organizationId");
  if (org_id == NULL)
    org_id = _vz_json_string (organization, "id");

  g_object_freeze_notify (G_OBJECT (self));
  set_string_prop (self, &self->user_id, id, PROP_USER_ID);
  set_string_prop (self, &self->user_email, email, PROP_USER_EMAIL);
  set_string_prop (self, &self->user_name, name, PROP_USER_NAME);
  set_string_prop (self, &self->role, _vz_json_string (user, "role"), PROP_ROLE);
  set_string_prop (self, &self->organization_id, org_id, PROP_ORGANIZATION_ID);
  if (organization != NULL)
    set_string_prop (self, &self->organization_name, _vz_json_string (organization, "name"), PROP_ORGANIZATION_NAME);
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
    _vz_session_save_kick (self);
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
  g_clear_pointer (&self->forget_server_url, g_free);
  g_clear_pointer (&self->forget_user_id, g_free);
  g_clear_pointer (&self->keyring_problem, g_free);
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
    case PROP_KEYRING_PROBLEM:
      g_value_set_string (value, self->keyring_problem);
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
  properties[PROP_KEYRING_PROBLEM] = g_param_spec_string ("keyring-problem", NULL, NULL, NULL, ro);

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

const char *
vz_session_get_keyring_problem (VzSession *self)
{
  g_return_val_if_fail (VZ_IS_SESSION (self), NULL);
  return self->keyring_problem;
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
      user = _vz_json_object (json_node_get_object (payload), "user");
      if (user == NULL)
        user = json_node_get_object (payload);
    }
  if (!_vz_session_apply_user (self, user))
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
      _vz_session_save_kick (self);
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
    token = _vz_json_string (json_node_get_object (payload), "access_token");
  if (token == NULL || *token == '\0')
    {
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The server accepted the sign-in but sent no access token."));
      return;
    }

  vz_api_client_set_access_token (self->api_client, token);
  _vz_session_apply_user (self, _vz_json_object (json_node_get_object (payload), "user"));
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
      self->forget_path = _vz_session_account_path (self);
      g_free (self->forget_server_url);
      self->forget_server_url = g_strdup (self->server_url);
      g_free (self->forget_user_id);
      self->forget_user_id = g_strdup (self->user_id);
    }
  self->forget = TRUE;
  _vz_session_save_kick (self);
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
