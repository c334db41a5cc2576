/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-session"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vz-json-private.h"
#include "vz-outbox.h"
#include "vz-secret-store.h"
#include "vz-session-private.h"
#include "vz-snapshot-private.h"

/* Who is signed in where, without secrets: the token and the refresh cookie
 * are in the keyring (vz-secret-store.h). */
#define ACCOUNT_VERSION 2
/* The file of earlier versions, token and cookie included: moved into the
 * keyring and deleted once found. */
#define LEGACY_VERSION  1

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
  return g_build_filename (folder, VZ_SESSION_ACCOUNT_FILE, NULL);
}

static char *
compose_account (VzSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
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
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* What the keyring keeps for the session. */
static char *
compose_secret (VzSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *cookie = vz_api_client_dup_refresh_cookie (self->api_client);
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accessToken");
  json_builder_add_string_value (builder, vz_api_client_get_access_token (self->api_client));
  json_builder_set_member_name (builder, "refreshCookie");
  json_builder_add_string_value (builder, cookie);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  if (cookie != NULL)
    explicit_bzero (cookie, strlen (cookie));
  return text;
}

typedef struct {
  char     *path;
  char     *legacy_path;    /* the earlier file with secrets, deleted here */
  char     *text;           /* NULL: delete the file */
  char     *secret;         /* for the keyring; NULL when forgetting */
  char     *server_url;
  char     *user_id;
  char     *label;
  gboolean  keep_legacy;    /* the keyring did not take the secret */
  GError   *keyring_error;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_free (data->path);
  g_free (data->legacy_path);
  g_free (data->text);
  vz_secret_free (data->secret);
  g_free (data->server_url);
  g_free (data->user_id);
  g_free (data->label);
  g_clear_error (&data->keyring_error);
  g_free (data);
}

static gboolean
remove_file (const char  *path,
             GError     **error)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, VZ_SESSION_ERROR, VZ_SESSION_ERROR_IO,
                   _("The saved sign-in %s could not be removed: %s."),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
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

  if (!data->keep_legacy && !remove_file (data->legacy_path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->text == NULL)
    {
      if (!remove_file (data->path, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
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
  /* No secret in it, but who uses which server is nobody else's business;
   * a crash leaves the old file or the new one. */
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
  WriteData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->writing = FALSE;
  g_clear_error (&self->write_error);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_message ("%s", error->message);
      self->write_error = g_steal_pointer (&error);
    }
  else if (data->keyring_error != NULL)
    self->write_error = g_error_copy (data->keyring_error);

  if (self->write_again)
    {
      self->write_again = FALSE;
      _vz_session_save_kick (self);
      return;
    }
  answer_save_waiters (self);
}

/* After the keyring's answer, the file (written or removed) on a worker. */
static void
on_secret_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSession *self = g_task_get_source_object (task);
  WriteData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (data->secret != NULL)
    ok = vz_secret_store_finish (result, &error);
  else
    ok = vz_secret_clear_finish (result, &error);

  if (ok)
    _vz_session_set_keyring_problem (self, NULL);
  else if (data->secret != NULL)
    {
      g_autofree char *problem = NULL;

      /* The session goes on from memory; the earlier file, if any, stays
       * until a keyring takes what it holds. */
      g_message ("The sign-in is kept in memory only: %s", error->message);
      problem = g_strdup_printf (_("%s The sign-in is kept in memory only: you will be asked to sign in again next time."),
                                 error->message);
      _vz_session_set_keyring_problem (self, problem);
      data->keep_legacy = TRUE;
      data->keyring_error = g_steal_pointer (&error);
    }
  else
    g_debug ("The sign-in could not be removed from the keyring: %s", error->message);

  g_task_run_in_thread (task, write_thread);
}

void
_vz_session_save_kick (VzSession *self)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data;
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;

  if (self->writing)
    {
      self->write_again = TRUE;
      return;
    }

  path = _vz_session_account_path (self);
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
  folder = g_path_get_dirname (path);
  data->legacy_path = g_build_filename (folder, VZ_SESSION_LEGACY_FILE, NULL);
  data->path = g_steal_pointer (&path);
  if (self->forget)
    {
      data->server_url = g_strdup (self->forget_server_url);
      data->user_id = g_strdup (self->forget_user_id);
    }
  else
    {
      data->text = compose_account (self);
      data->secret = compose_secret (self);
      data->server_url = g_strdup (self->server_url);
      data->user_id = g_strdup (self->user_id);
      /* The item's name in the desktop's password manager. */
      data->label = g_strdup_printf (_("Vizora sign-in of %s at %s"),
                                     self->user_email != NULL ? self->user_email : self->user_id,
                                     self->server_url);
    }
  self->writing = TRUE;
  task = g_task_new (self, NULL, on_written, NULL);
  g_task_set_source_tag (task, _vz_session_save_kick);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  if (data->secret != NULL)
    vz_secret_store_async (data->server_url, data->user_id, VZ_SECRET_CLIENT_DESKTOP, data->label,
                           data->secret, NULL, on_secret_done, g_steal_pointer (&task));
  else
    vz_secret_clear_async (data->server_url, data->user_id, VZ_SECRET_CLIENT_DESKTOP,
                           NULL, on_secret_done, g_steal_pointer (&task));
}

/* Where this session's account is (or was) saved; NULL before anyone signed in. */
char *
_vz_session_account_path (VzSession *self)
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
  _vz_session_save_kick (self);
}

void
vz_session_settle_async (VzSession           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (VZ_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_session_settle_async);
  if (!self->writing)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  /* Answered with the writes' result once the last of them is done. */
  g_ptr_array_add (self->save_waiters, task);
}

void
vz_session_settle_finish (VzSession    *self,
                          GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VZ_IS_SESSION (self));
  g_return_if_fail (g_task_is_valid (result, self));
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_debug ("The last write of the sign-in had failed: %s", error->message);
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

char *
_vz_session_accounts_folder (void)
{
  g_autofree char *probe = vz_outbox_path_for_account ("probe");
  g_autofree char *folder = g_path_get_dirname (probe);

  return g_path_get_dirname (folder);
}

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

/* An account file: VZ_SESSION_ACCOUNT_FILE (no secrets) or VZ_SESSION_LEGACY_FILE (with the
 * token), each checked for its own version and members. */
JsonObject *
_vz_session_read_account (const char *path,
                          gboolean    legacy)
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
      json_node_get_int (version) != (legacy ? LEGACY_VERSION : ACCOUNT_VERSION))
    return NULL;
  user = _vz_json_object (obj, "user");
  if (_vz_json_string (obj, "serverUrl") == NULL || _vz_json_string (user, "id") == NULL ||
      (legacy && _vz_json_string (obj, "accessToken") == NULL))
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

/* The newest saved account for @server_url (any loopback server when NULL)
 * and @email (any when NULL or empty), as its file says; NULL when none. */
static JsonObject *
find_saved_account (const char *server_url,
                    const char *email)
{
  g_autofree char *root = _vz_session_accounts_folder ();
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  g_autofree char *wanted = server_url != NULL ? normalize_url (server_url) : NULL;
  JsonObject *best = NULL;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      for (guint legacy = 0; legacy < 2; legacy++)
        {
          g_autofree char *path = g_build_filename (root, name, legacy ? VZ_SESSION_LEGACY_FILE : VZ_SESSION_ACCOUNT_FILE, NULL);
          g_autoptr(JsonObject) obj = _vz_session_read_account (path, legacy);
          g_autofree char *url = NULL;
          const char *saved_email;

          if (obj == NULL)
            continue;
          url = normalize_url (_vz_json_string (obj, "serverUrl"));
          if (wanted != NULL ? g_ascii_strcasecmp (url, wanted) != 0 : !_vz_url_is_loopback (url))
            continue;
          saved_email = _vz_json_string (_vz_json_object (obj, "user"), "email");
          if (email != NULL && *email != '\0' &&
              (saved_email == NULL || g_ascii_strcasecmp (saved_email, email) != 0))
            continue;
          if (best == NULL || saved_at (obj) > saved_at (best))
            {
              g_clear_pointer (&best, json_object_unref);
              best = g_steal_pointer (&obj);
            }
        }
    }

  return best;
}

static void
find_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FindData *data = task_data;
  JsonObject *best = find_saved_account (data->server_url, data->email);

  if (best == NULL)
    {
      g_task_return_new_error (task, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED,
                               _("No sign-in is saved for this server on this computer."));
      return;
    }
  g_task_return_pointer (task, best, (GDestroyNotify) json_object_unref);
}

static void
secret_found_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  JsonObject *obj = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  char *secret;
  JsonNode *root;

  secret = vz_secret_lookup_finish (result, &error);
  if (secret == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_new_error (task, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED,
                                 _("The saved sign-in for this server could not be read: %s"), error->message);
      else if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED,
                                 _("No sign-in is saved for this server on this computer."));
      return;
    }

  if (!json_parser_load_from_data (parser, secret, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      _vz_json_string (json_node_get_object (root), "accessToken") == NULL)
    {
      vz_secret_free (secret);
      g_task_return_new_error (task, VZ_SESSION_ERROR, VZ_SESSION_ERROR_NONE_SAVED,
                               _("The keyring holds a sign-in for this server that cannot be read."));
      return;
    }
  vz_secret_free (secret);
  json_object_set_string_member (obj, "accessToken",
                                 _vz_json_string (json_node_get_object (root), "accessToken"));
  if (_vz_json_string (json_node_get_object (root), "refreshCookie") != NULL)
    json_object_set_string_member (obj, "refreshCookie",
                                   _vz_json_string (json_node_get_object (root), "refreshCookie"));
  g_task_return_pointer (task, json_object_ref (obj), (GDestroyNotify) json_object_unref);
}

static void
account_found_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) obj = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  obj = g_task_propagate_pointer (G_TASK (result), &error);
  if (obj == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* An earlier version's file carries the token itself. */
  if (_vz_json_string (obj, "accessToken") != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&obj), (GDestroyNotify) json_object_unref);
      return;
    }
  g_task_set_task_data (task, json_object_ref (obj), (GDestroyNotify) json_object_unref);
  vz_secret_lookup_async (_vz_json_string (obj, "serverUrl"),
                          _vz_json_string (_vz_json_object (obj, "user"), "id"),
                          VZ_SECRET_CLIENT_DESKTOP, cancellable,
                          secret_found_cb, g_steal_pointer (&task));
}

void
vz_session_restore_saved_async (const char          *server_url,
                                const char          *email,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) find = NULL;
  FindData *data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_session_restore_saved_async);
  find = g_task_new (NULL, cancellable, account_found_cb, g_steal_pointer (&task));
  g_task_set_source_tag (find, find_thread);
  data = g_new0 (FindData, 1);
  data->server_url = g_strdup (server_url);
  data->email = g_strdup (email);
  g_task_set_task_data (find, data, (GDestroyNotify) find_data_free);
  g_task_run_in_thread (find, find_thread);
}

typedef struct {
  gpointer  handle;
  char     *server_url;
  char     *email;
} Prefetch;

static gpointer
prefetch_thread (gpointer user_data)
{
  Prefetch *data = user_data;
  g_autoptr(JsonObject) obj = find_saved_account (data->server_url, data->email);
  g_autofree char *path = NULL;

  if (obj != NULL && _vz_json_string (obj, "serverUrl") != NULL &&
      _vz_json_string (_vz_json_object (obj, "user"), "id") != NULL)
    {
      /* The engine's account key (vz-sync-engine-changes.c). */
      g_autofree char *account = g_strdup_printf ("%s %s", _vz_json_string (obj, "serverUrl"),
                                                  _vz_json_string (_vz_json_object (obj, "user"), "id"));

      path = vz_snapshot_path_for_account (account);
    }
  _vz_snapshot_prefetch_run (data->handle, path);
  g_free (data->server_url);
  g_free (data->email);
  g_free (data);
  return NULL;
}

void
vz_session_prefetch_saved_fleet (const char *server_url,
                                 const char *email)
{
  gpointer handle = _vz_snapshot_prefetch_begin ();
  Prefetch *data;

  if (handle == NULL)
    return;
  data = g_new0 (Prefetch, 1);
  data->handle = handle;
  data->server_url = g_strdup (server_url);
  data->email = g_strdup (email);
  g_thread_unref (g_thread_new ("vz-saved-fleet", prefetch_thread, data));
}

VzSession *
vz_session_restore_saved_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(JsonObject) user = NULL;
  VzSession *self;
  JsonObject *organization;
  gboolean legacy;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_session_restore_saved_async, NULL);

  obj = g_task_propagate_pointer (G_TASK (result), error);
  if (obj == NULL)
    return NULL;
  legacy = json_object_has_member (obj, "version") &&
           json_object_get_int_member (obj, "version") == LEGACY_VERSION;

  self = vz_session_new (_vz_json_string (obj, "serverUrl"));
  vz_session_set_realtime_url (self, _vz_json_string (obj, "realtimeUrl"));
  vz_session_set_remember (self, TRUE);
  vz_api_client_set_access_token (self->api_client, _vz_json_string (obj, "accessToken"));
  vz_api_client_set_refresh_cookie (self->api_client, _vz_json_string (obj, "refreshCookie"));

  /* The saved record in the shape apply_user() knows from /auth/me. */
  user = json_object_new ();
  organization = _vz_json_object (obj, "organization");
  {
    JsonObject *saved = _vz_json_object (obj, "user");
    const char *name = _vz_json_string (saved, "name");

    json_object_set_string_member (user, "id", _vz_json_string (saved, "id"));
    if (_vz_json_string (saved, "email") != NULL)
      json_object_set_string_member (user, "email", _vz_json_string (saved, "email"));
    /* apply_user() joins first and last name: the saved name is whole. */
    if (name != NULL)
      json_object_set_string_member (user, "firstName", name);
    if (_vz_json_string (saved, "role") != NULL)
      json_object_set_string_member (user, "role", _vz_json_string (saved, "role"));
    if (_vz_json_string (organization, "id") != NULL)
      json_object_set_string_member (user, "organizationId", _vz_json_string (organization, "id"));
    if (organization != NULL)
      json_object_set_object_member (user, "organization", json_object_ref (organization));
  }
  _vz_session_apply_user (self, user);
  _vz_session_set_state (self, VZ_SESSION_STATE_SAVED);
  /* The earlier file moves into the keyring now, and is deleted once the
   * keyring holds it. */
  if (legacy)
    _vz_session_save_kick (self);
  return self;
}
