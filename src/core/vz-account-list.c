/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-account-list"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vz-account-list.h"
#include "vz-json-private.h"
#include "vz-outbox-journal-private.h"
#include "vz-secret-store.h"
#include "vz-session-private.h"

struct _VzAccountList
{
  GObject    parent_instance;

  GPtrArray *accounts;     /* VzAccount*, sorted */
  char      *current_key;
};

static void vz_account_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VzAccountList, vz_account_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, vz_account_list_model_init))

G_DEFINE_QUARK (vz-account-error-quark, vz_account_error)

enum {
  PROP_0,
  PROP_CURRENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- GListModel ---- */

static GType
get_item_type (GListModel *model)
{
  return VZ_TYPE_ACCOUNT;
}

static guint
get_n_items (GListModel *model)
{
  return VZ_ACCOUNT_LIST (model)->accounts->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  VzAccountList *self = VZ_ACCOUNT_LIST (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
vz_account_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- GObject ---- */

static void
vz_account_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VzAccountList *self = VZ_ACCOUNT_LIST (object);

  switch (prop_id)
    {
    case PROP_CURRENT:
      g_value_set_object (value, vz_account_list_get_current (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_account_list_finalize (GObject *object)
{
  VzAccountList *self = VZ_ACCOUNT_LIST (object);

  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_free (self->current_key);

  G_OBJECT_CLASS (vz_account_list_parent_class)->finalize (object);
}

static void
vz_account_list_class_init (VzAccountListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = vz_account_list_get_property;
  object_class->finalize = vz_account_list_finalize;

  properties[PROP_CURRENT] =
    g_param_spec_object ("current", NULL, NULL, VZ_TYPE_ACCOUNT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_account_list_init (VzAccountList *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
}

VzAccountList *
vz_account_list_new (void)
{
  return g_object_new (VZ_TYPE_ACCOUNT_LIST, NULL);
}

char *
vz_account_list_key_for (const char *server_url,
                         const char *user_id)
{
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  path = vz_session_saved_account_path (server_url, user_id);
  folder = g_path_get_dirname (path);
  return g_path_get_basename (folder);
}

VzAccount *
vz_account_list_lookup (VzAccountList *self,
                        const char    *key)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT_LIST (self), NULL);

  for (guint i = 0; key != NULL && i < self->accounts->len; i++)
    {
      VzAccount *account = g_ptr_array_index (self->accounts, i);

      if (g_str_equal (vz_account_get_key (account), key))
        return account;
    }
  return NULL;
}

VzAccount *
vz_account_list_get_current (VzAccountList *self)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT_LIST (self), NULL);
  return vz_account_list_lookup (self, self->current_key);
}

/* Marks the current account; notifies "current" when it is another one than @before. */
static void
mark_current (VzAccountList *self,
              VzAccount     *before)
{
  VzAccount *current = vz_account_list_get_current (self);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      VzAccount *account = g_ptr_array_index (self->accounts, i);

      vz_account_set_current (account, account == current);
    }
  if (current != before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT]);
}

void
vz_account_list_set_current (VzAccountList *self,
                             const char    *key)
{
  VzAccount *before;

  g_return_if_fail (VZ_IS_ACCOUNT_LIST (self));

  if (g_strcmp0 (self->current_key, key) == 0)
    return;
  before = vz_account_list_get_current (self);
  g_free (self->current_key);
  self->current_key = g_strdup (key);
  mark_current (self, before);
}

/* ---- reading the folders ---- */

static int
compare_accounts (gconstpointer a,
                  gconstpointer b)
{
  VzAccount *x = *(VzAccount **) a;
  VzAccount *y = *(VzAccount **) b;
  g_autofree char *server_x = vz_account_dup_server_name (x);
  g_autofree char *server_y = vz_account_dup_server_name (y);
  int order = g_utf8_collate (server_x, server_y);

  if (order != 0)
    return order;
  order = g_utf8_collate (vz_account_get_who (x), vz_account_get_who (y));
  if (order != 0)
    return order;
  return g_strcmp0 (vz_account_get_key (x), vz_account_get_key (y));
}

static VzAccount *
read_folder (const char *folder)
{
  for (guint legacy = 0; legacy < 2; legacy++)
    {
      g_autofree char *path = g_build_filename (folder, legacy ? VZ_SESSION_LEGACY_FILE : VZ_SESSION_ACCOUNT_FILE,
                                                NULL);
      g_autoptr(JsonObject) obj = _vz_session_read_account (path, legacy);
      JsonObject *user;
      JsonNode *saved;

      if (obj == NULL)
        continue;
      user = _vz_json_object (obj, "user");
      saved = json_object_get_member (obj, "savedAtUs");
      return vz_account_new (folder,
                             _vz_json_string (obj, "serverUrl"),
                             _vz_json_string (user, "id"),
                             _vz_json_string (user, "email"),
                             _vz_json_string (user, "name"),
                             _vz_json_string (_vz_json_object (obj, "organization"), "name"),
                             saved != NULL && json_node_get_value_type (saved) == G_TYPE_INT64
                               ? json_node_get_int (saved) : 0);
    }
  return NULL;
}

static void
reload_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  g_autofree char *root = _vz_session_accounts_folder ();
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (root, 0, &error);
  const char *name;

  if (dir == NULL && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_task_return_new_error (task, VZ_ACCOUNT_ERROR, VZ_ACCOUNT_ERROR_IO,
                               _("The accounts on this computer could not be read: %s"), error->message);
      return;
    }
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *folder = g_build_filename (root, name, NULL);
      VzAccount *account = read_folder (folder);

      if (account != NULL)
        g_ptr_array_add (accounts, account);
    }
  g_ptr_array_sort (accounts, compare_accounts);
  g_task_return_pointer (task, g_steal_pointer (&accounts), (GDestroyNotify) g_ptr_array_unref);
}

void
vz_account_list_reload_async (VzAccountList       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VZ_IS_ACCOUNT_LIST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_account_list_reload_async);
  g_task_run_in_thread (task, reload_thread);
}

gboolean
vz_account_list_reload_finish (VzAccountList  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  VzAccount *before;
  guint removed;

  g_return_val_if_fail (VZ_IS_ACCOUNT_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  accounts = g_task_propagate_pointer (G_TASK (result), error);
  if (accounts == NULL)
    return FALSE;
  before = vz_account_list_get_current (self);
  if (before != NULL)
    g_object_ref (before);
  removed = self->accounts->len;
  g_ptr_array_unref (self->accounts);
  self->accounts = g_steal_pointer (&accounts);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->accounts->len);
  /* The same account read again is a new object: "current" tells of it. */
  mark_current (self, before);
  g_clear_object (&before);
  return TRUE;
}

/* ---- removing an account ---- */

typedef struct {
  VzAccount *account;
  char      *outbox_path;
} RemoveData;

static void
remove_data_free (RemoveData *data)
{
  g_clear_object (&data->account);
  g_free (data->outbox_path);
  g_free (data);
}

static gboolean
remove_tree (const char  *path,
             GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, VZ_ACCOUNT_ERROR, VZ_ACCOUNT_ERROR_IO,
                       _("%s could not be removed: %s."), path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (!remove_tree (child, error))
        return FALSE;
    }
  if (g_rmdir (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, VZ_ACCOUNT_ERROR, VZ_ACCOUNT_ERROR_IO,
                   _("%s could not be removed: %s."), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Holding the outbox's lock, as an outbox would (vz-outbox.c), so that no
 * writer is inside the folder while it goes. */
static void
remove_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RemoveData *data = task_data;
  const char *folder = vz_account_get_folder (data->account);
  g_autofree char *lock_path = g_strconcat (data->outbox_path, ".lock", NULL);
  g_autoptr(GError) error = NULL;
  struct stat st;
  int fd = -1;

  if (g_file_test (folder, G_FILE_TEST_IS_DIR) &&
      g_str_has_prefix (lock_path, folder) &&
      (fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) >= 0)
    {
      if (fstat (fd, &st) == 0)
        _vz_outbox_journal_wait_closed (st.st_dev, st.st_ino);
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          close (fd);
          g_task_return_new_error (task, VZ_ACCOUNT_ERROR, VZ_ACCOUNT_ERROR_IN_USE,
                                   _("The account is in use by another Vizora program (the app or vizoractl). "
                                     "Close it and try again."));
          return;
        }
    }
  if (!remove_tree (folder, &error))
    {
      if (fd >= 0)
        close (fd);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (fd >= 0)
    close (fd);
  g_task_return_boolean (task, TRUE);
}

static void
secret_cleared_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_secret_clear_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
folder_removed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzAccountList *self = g_task_get_source_object (task);
  RemoveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  guint position;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_ptr_array_find (self->accounts, data->account, &position))
    {
      VzAccount *before = vz_account_list_get_current (self);

      g_ptr_array_remove_index (self->accounts, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
      if (before == data->account)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT]);
    }
  cancellable = g_task_get_cancellable (task);
  vz_secret_clear_async (vz_account_get_server_url (data->account),
                         vz_account_get_user_id (data->account),
                         VZ_SECRET_CLIENT_DESKTOP, cancellable,
                         secret_cleared_cb, g_steal_pointer (&task));
}

void
vz_account_list_remove_async (VzAccountList       *self,
                              VzAccount           *account,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  RemoveData *data;

  g_return_if_fail (VZ_IS_ACCOUNT_LIST (self));
  g_return_if_fail (VZ_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_account_list_remove_async);
  data = g_new0 (RemoveData, 1);
  data->account = g_object_ref (account);
  data->outbox_path = vz_account_dup_outbox_path (account);
  g_task_set_task_data (task, data, (GDestroyNotify) remove_data_free);

  worker = g_task_new (self, cancellable, folder_removed_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, remove_thread);
  /* The outer task, and so @data, outlives the worker. */
  g_task_set_task_data (worker, data, NULL);
  g_task_run_in_thread (worker, remove_thread);
}

gboolean
vz_account_list_remove_finish (VzAccountList  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (VZ_IS_ACCOUNT_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
