/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-secret-store"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "vz-secret-store.h"

G_DEFINE_QUARK (vz-secret-error-quark, vz_secret_error)

static const SecretSchema *
session_schema (void)
{
  static const SecretSchema schema = {
    "cloud.vizora.Session", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "client", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static GHashTable *
make_attributes (const char *server_url,
                 const char *account,
                 const char *client)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  char *server = g_strdup (server_url);
  gsize len = strlen (server);

  while (len > 0 && server[len - 1] == '/')
    server[--len] = '\0';
  g_hash_table_insert (attributes, (gpointer) "server", server);
  if (account != NULL)
    g_hash_table_insert (attributes, (gpointer) "account", g_strdup (account));
  g_hash_table_insert (attributes, (gpointer) "client", g_strdup (client));
  return attributes;
}

/* libsecret's and D-Bus's errors as a sentence about the keyring; the
 * original message goes to the debug log only (it never holds a secret). */
static GError *
keyring_error (const GError *error)
{
  g_debug ("Secret Service: %s", error->message);
  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_error_new_literal (VZ_SECRET_ERROR, VZ_SECRET_ERROR_LOCKED,
                                _("The keyring is locked."));
  if (error->domain == G_DBUS_ERROR || error->domain == G_IO_ERROR ||
      error->domain == G_SPAWN_ERROR || g_error_matches (error, SECRET_ERROR, SECRET_ERROR_PROTOCOL))
    return g_error_new_literal (VZ_SECRET_ERROR, VZ_SECRET_ERROR_UNAVAILABLE,
                                _("No keyring (Secret Service) can be reached on this computer."));
  return g_error_new (VZ_SECRET_ERROR, VZ_SECRET_ERROR_FAILED,
                      _("The keyring refused to keep the sign-in: %s"), error->message);
}

static void
return_error (GTask  *task,
              GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_error (task, keyring_error (error));
      g_error_free (error);
    }
}

void
vz_secret_free (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

/* ---- store ---- */

typedef struct {
  GHashTable *attributes;
  char       *label;
  char       *secret;
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_hash_table_unref (data->attributes);
  g_free (data->label);
  vz_secret_free (data->secret);
  g_free (data);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
store_now (GTask *task)
{
  StoreData *data = g_task_get_task_data (task);

  secret_password_storev (session_schema (), data->attributes, SECRET_COLLECTION_DEFAULT,
                          data->label, data->secret, g_task_get_cancellable (task),
                          stored_cb, task);
}

static void
unlocked_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autolist(GDBusProxy) unlocked = NULL;
  GError *error = NULL;

  if (secret_service_unlock_finish (SECRET_SERVICE (source), result, &unlocked, &error) == 0 ||
      unlocked == NULL)
    {
      if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          return;
        }
      if (error != NULL)
        g_debug ("Unlocking the keyring: %s", error->message);
      g_clear_error (&error);
      g_task_return_new_error (task, VZ_SECRET_ERROR, VZ_SECRET_ERROR_LOCKED,
                               _("The keyring is locked and was not unlocked."));
      return;
    }
  store_now (g_steal_pointer (&task));
}

static void
collection_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SecretCollection) collection = NULL;
  GError *error = NULL;
  GCancellable *cancellable;
  GList *objects;

  collection = secret_collection_for_alias_finish (result, &error);
  if (error != NULL)
    {
      return_error (task, error);
      return;
    }
  /* Making a keyring asks for a new password: that is the desktop's
   * business, not a sign-in's. */
  if (collection == NULL)
    {
      g_task_return_new_error (task, VZ_SECRET_ERROR, VZ_SECRET_ERROR_UNAVAILABLE,
                               _("The Secret Service on this computer has no keyring to keep the sign-in in."));
      return;
    }
  if (!secret_collection_get_locked (collection))
    {
      store_now (g_steal_pointer (&task));
      return;
    }
  objects = g_list_prepend (NULL, collection);
  cancellable = g_task_get_cancellable (task);
  secret_service_unlock (secret_collection_get_service (collection), objects,
                         cancellable, unlocked_cb, g_steal_pointer (&task));
  g_list_free (objects);
}

static void
service_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SecretService) service = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  service = secret_service_get_finish (result, &error);
  if (service == NULL)
    {
      return_error (task, error);
      return;
    }
  secret_collection_for_alias (service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                               cancellable, collection_cb, g_steal_pointer (&task));
}

void
vz_secret_store_async (const char          *server_url,
                       const char          *account,
                       const char          *client,
                       const char          *label,
                       const char          *secret,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  StoreData *data;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (account != NULL);
  g_return_if_fail (client != NULL);
  g_return_if_fail (label != NULL);
  g_return_if_fail (secret != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_secret_store_async);
  data = g_new0 (StoreData, 1);
  data->attributes = make_attributes (server_url, account, client);
  data->label = g_strdup (label);
  data->secret = g_strdup (secret);
  g_task_set_task_data (task, data, (GDestroyNotify) store_data_free);

  /* In the sandbox libsecret keeps secrets through the portal by itself. */
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      store_now (g_steal_pointer (&task));
      return;
    }
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, cancellable, service_cb, g_steal_pointer (&task));
}

gboolean
vz_secret_store_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_secret_store_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- lookup ---- */

static void
looked_up_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      return_error (task, error);
      return;
    }
  g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

void
vz_secret_lookup_async (const char          *server_url,
                        const char          *account,
                        const char          *client,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (client != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_secret_lookup_async);
  attributes = make_attributes (server_url, account, client);
  secret_password_lookupv (session_schema (), attributes, cancellable, looked_up_cb, g_steal_pointer (&task));
}

char *
vz_secret_lookup_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *secret;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_secret_lookup_async, NULL);

  secret = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* libsecret's copy lives in non-pageable memory: ours is a plain one,
   * wiped when freed with vz_secret_free(). */
  {
    char *copy = g_strdup (secret);

    secret_password_free (secret);
    return copy;
  }
}

/* ---- clear ---- */

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: nothing matched, which is what was wanted. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
vz_secret_clear_async (const char          *server_url,
                       const char          *account,
                       const char          *client,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (server_url != NULL);
  g_return_if_fail (client != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_secret_clear_async);
  attributes = make_attributes (server_url, account, client);
  secret_password_clearv (session_schema (), attributes, cancellable, cleared_cb, g_steal_pointer (&task));
}

gboolean
vz_secret_clear_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_secret_clear_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
