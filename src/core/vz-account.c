/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-account"

#include <string.h>

#include "vz-account.h"
#include "vz-outbox.h"

struct _VzAccount
{
  GObject   parent_instance;

  char     *key;
  char     *folder;
  char     *server_url;
  char     *user_id;
  char     *email;
  char     *name;
  char     *organization_name;
  gint64    saved_at;
  gboolean  current;
};

G_DEFINE_FINAL_TYPE (VzAccount, vz_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KEY,
  PROP_FOLDER,
  PROP_SERVER_URL,
  PROP_USER_ID,
  PROP_EMAIL,
  PROP_NAME,
  PROP_ORGANIZATION_NAME,
  PROP_SAVED_AT,
  PROP_CURRENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vz_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VzAccount *self = VZ_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_FOLDER:
      g_value_set_string (value, self->folder);
      break;
    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ORGANIZATION_NAME:
      g_value_set_string (value, self->organization_name);
      break;
    case PROP_SAVED_AT:
      g_value_set_int64 (value, self->saved_at);
      break;
    case PROP_CURRENT:
      g_value_set_boolean (value, self->current);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_account_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VzAccount *self = VZ_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_CURRENT:
      vz_account_set_current (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_account_finalize (GObject *object)
{
  VzAccount *self = VZ_ACCOUNT (object);

  g_free (self->key);
  g_free (self->folder);
  g_free (self->server_url);
  g_free (self->user_id);
  g_free (self->email);
  g_free (self->name);
  g_free (self->organization_name);

  G_OBJECT_CLASS (vz_account_parent_class)->finalize (object);
}

static void
vz_account_class_init (VzAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = vz_account_get_property;
  object_class->set_property = vz_account_set_property;
  object_class->finalize = vz_account_finalize;

  properties[PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL, ro);
  properties[PROP_FOLDER] = g_param_spec_string ("folder", NULL, NULL, NULL, ro);
  properties[PROP_SERVER_URL] = g_param_spec_string ("server-url", NULL, NULL, NULL, ro);
  properties[PROP_USER_ID] = g_param_spec_string ("user-id", NULL, NULL, NULL, ro);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_ORGANIZATION_NAME] = g_param_spec_string ("organization-name", NULL, NULL, NULL, ro);
  properties[PROP_SAVED_AT] = g_param_spec_int64 ("saved-at", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_CURRENT] =
    g_param_spec_boolean ("current", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_account_init (VzAccount *self)
{
}

VzAccount *
vz_account_new (const char *folder,
                const char *server_url,
                const char *user_id,
                const char *email,
                const char *name,
                const char *organization_name,
                gint64      saved_at)
{
  VzAccount *self;

  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  self = g_object_new (VZ_TYPE_ACCOUNT, NULL);
  self->folder = g_strdup (folder);
  self->key = g_path_get_basename (folder);
  self->server_url = g_strdup (server_url);
  self->user_id = g_strdup (user_id);
  self->email = g_strdup (email);
  self->name = g_strdup (name);
  self->organization_name = g_strdup (organization_name);
  self->saved_at = saved_at;
  return self;
}

const char *
vz_account_get_key (VzAccount *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (self), NULL);
  return self->key;
}

const char *
vz_account_get_folder (VzAccount *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (self), NULL);
  return self->folder;
}

const char *
vz_account_get_server_url (VzAccount *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (self), NULL);
  return self->server_url;
}

const char *
vz_account_get_user_id (VzAccount *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (self), NULL);
  return self->user_id;
}

const char *
vz_account_get_email (VzAccount *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (self), NULL);
  return self->email;
}

const char *
vz_account_get_name (VzAccount *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (self), NULL);
  return self->name;
}

const char *
vz_account_get_organization_name (VzAccount *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (self), NULL);
  return self->organization_name;
}

gint64
vz_account_get_saved_at (VzAccount *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (self), 0);
  return self->saved_at;
}

gboolean
vz_account_get_current (VzAccount *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (self), FALSE);
  return self->current;
}

void
vz_account_set_current (VzAccount *self,
                        gboolean   current)
{
  g_return_if_fail (VZ_IS_ACCOUNT (self));

  current = !!current;
  if (self->current == current)
    return;
  self->current = current;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT]);
}

char *
vz_account_dup_server_name (VzAccount *self)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  g_return_val_if_fail (VZ_IS_ACCOUNT (self), NULL);

  uri = g_uri_parse (self->server_url, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL)
    return g_strdup (self->server_url);
  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf (strchr (host, ':') != NULL ? "[%s]:%d" : "%s:%d", host, g_uri_get_port (uri));
  return g_strdup (host);
}

const char *
vz_account_get_who (VzAccount *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT (self), NULL);

  if (self->email != NULL && *self->email != '\0')
    return self->email;
  if (self->name != NULL && *self->name != '\0')
    return self->name;
  return self->user_id;
}

char *
vz_account_dup_outbox_path (VzAccount *self)
{
  g_autofree char *account = NULL;

  g_return_val_if_fail (VZ_IS_ACCOUNT (self), NULL);

  /* The sync engine's account key, as the session saves it. */
  account = g_strdup_printf ("%s %s", self->server_url, self->user_id);
  return vz_outbox_path_for_account (account);
}
