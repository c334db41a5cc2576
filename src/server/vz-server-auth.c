/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <string.h>
#include <glib/gstdio.h>

#include "vz-password.h"
#include "vz-server-private.h"

/*
 * Sign-in for the local fleet server: the first-start organization and admin,
 * login (throttled by vz-server-throttle.c), access tokens (random, stored as SHA-256), rotating
 * refresh tokens with family revocation on replay, /auth/me and logout.
 */

#define REFRESH_COOKIE "vizora_refresh_token"
#define ACCESS_COOKIE  "vizora_auth_token"

/* --- first start -------------------------------------------------------- */

static gboolean
write_admin_file (VzServer    *self,
                  const char  *email,
                  const char  *password,
                  GError     **error)
{
  g_autofree char *path = g_build_filename (self->data_dir, "admin.txt", NULL);
  g_autofree char *contents = g_strdup_printf ("email: %s\npassword: %s\n", email, password);
  int fd;
  gsize len = strlen (contents);
  gsize done = 0;

  /* Created 0600 from the start: never readable by others, not even briefly. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
                   "Cannot write the admin credentials to %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  fchmod (fd, 0600);
  while (done < len)
    {
      ssize_t n = write (fd, contents + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
                       "Cannot write the admin credentials to %s: %s", path, g_strerror (saved));
          return FALSE;
        }
      done += (gsize) n;
    }
  fsync (fd);
  close (fd);
  explicit_bzero (contents, len);
  return TRUE;
}

static gboolean
create_user (VzServer    *self,
             const char  *email,
             const char  *password,
             const char  *role,
             GError     **error)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autofree char *hash = vz_password_hash (password, error);
  g_autofree char *id = g_uuid_string_random ();
  gint64 now = _vz_now_ms ();

  if (hash == NULL)
    return FALSE;
  stmt = vz_db_prepare (self->db,
                        "INSERT INTO users (id, organization_id, email, password_hash, first_name, last_name,"
                        " role, is_active, created_at, updated_at)"
                        " VALUES (?1, ?2, ?3, ?4, 'Admin', '', ?5, 1, ?6, ?6)",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, self->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, email, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, role, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, now);
  return vz_db_step_done (self->db, stmt, error);
}

static gboolean
ensure_organization (VzServer  *self,
                     GError   **error)
{
  g_autoptr(VzStmt) select = NULL;
  g_autoptr(VzStmt) insert = NULL;
  g_autofree char *id = NULL;
  gint64 now = _vz_now_ms ();

  select = vz_db_prepare (self->db, "SELECT id FROM organizations ORDER BY created_at LIMIT 1", error);
  if (select == NULL)
    return FALSE;
  if (sqlite3_step (select) == SQLITE_ROW)
    {
      self->organization_id = g_strdup (vz_stmt_text (select, 0));
      return TRUE;
    }

  id = g_uuid_string_random ();
  insert = vz_db_prepare (self->db,
                          "INSERT INTO organizations (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                          error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_text (insert, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, "This computer", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 3, now);
  if (!vz_db_step_done (self->db, insert, error))
    return FALSE;
  self->organization_id = g_steal_pointer (&id);
  return TRUE;
}

gboolean
_vz_server_bootstrap (VzServer  *self,
                      GError   **error)
{
  g_autoptr(VzStmt) count = NULL;
  g_autofree char *dummy = vz_password_generate (24);
  gint64 users;

  if (!ensure_organization (self, error))
    return FALSE;

  self->dummy_hash = vz_password_hash (dummy, error);
  if (self->dummy_hash == NULL)
    return FALSE;

  count = vz_db_prepare (self->db, "SELECT COUNT(*) FROM users", error);
  if (count == NULL || sqlite3_step (count) != SQLITE_ROW)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE, "Cannot count the users.");
      return FALSE;
    }
  users = sqlite3_column_int64 (count, 0);
  vz_stmt_release (g_steal_pointer (&count));

  if (users == 0)
    {
      const char *email = self->admin_email != NULL ? self->admin_email : "admin@localhost";
      g_autofree char *generated = NULL;
      const char *password = self->admin_password;

      if (password == NULL)
        password = generated = vz_password_generate (20);
      if (!create_user (self, email, password, "admin", error))
        return FALSE;
      /* As the contract says: the file is for credentials nobody was told. */
      if (generated != NULL && !write_admin_file (self, email, generated, error))
        return FALSE;
      if (generated != NULL)
        explicit_bzero (generated, strlen (generated));
      return TRUE;
    }

  if (self->admin_email != NULL)
    {
      g_autoptr(VzStmt) find = NULL;

      find = vz_db_prepare (self->db, "SELECT id, password_hash FROM users WHERE email = ?1", error);
      if (find == NULL)
        return FALSE;
      sqlite3_bind_text (find, 1, self->admin_email, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (find) == SQLITE_ROW)
        {
          g_autofree char *id = g_strdup (vz_stmt_text (find, 0));
          g_autoptr(VzStmt) update = NULL;
          g_autofree char *hash = NULL;

          /* The command line is authoritative: a changed password replaces
           * the stored one (how a forgotten local password is reset). */
          if (self->admin_password == NULL || vz_password_verify (self->admin_password, vz_stmt_text (find, 1)))
            return TRUE;
          vz_stmt_release (g_steal_pointer (&find));

          hash = vz_password_hash (self->admin_password, error);
          if (hash == NULL)
            return FALSE;
          update = vz_db_prepare (self->db,
                                  "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1", error);
          if (update == NULL)
            return FALSE;
          sqlite3_bind_text (update, 1, id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (update, 2, hash, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (update, 3, _vz_now_ms ());
          return vz_db_step_done (self->db, update, error);
        }
      else
        {
          g_autofree char *generated = NULL;
          const char *password = self->admin_password;

          vz_stmt_release (g_steal_pointer (&find));
          if (password == NULL)
            password = generated = vz_password_generate (20);
          if (!create_user (self, self->admin_email, password, "admin", error))
            return FALSE;
          if (generated != NULL && !write_admin_file (self, self->admin_email, generated, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* --- tokens ------------------------------------------------------------- */

/* Stores the digest of a fresh token (never the token itself) with @sql, an
 * INSERT of (digest, user_id, family_id, expires_at, created_at). */
static char *
issue_token (VzServer    *self,
             const char  *sql,
             const char  *user_id,
             const char  *family_id,
             gint64       expires_at,
             gint64       now,
             GError     **error)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autofree char *token = vz_token_generate ();
  g_autofree char *digest = vz_token_digest (token);

  stmt = vz_db_prepare (self->db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, user_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, family_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, expires_at);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!vz_db_step_done (self->db, stmt, error))
    return NULL;
  return g_steal_pointer (&token);
}

/* The access and refresh token of one sign-in session (@family_id); the
 * caller holds the transaction, so a failure leaves neither behind. */
static gboolean
issue_tokens (VzServer    *self,
              const char  *user_id,
              const char  *family_id,
              gint64       now,
              char       **access,
              char       **refresh,
              GError     **error)
{
  *access = issue_token (self,
                         "INSERT INTO access_tokens (digest, user_id, family_id, expires_at, created_at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5)",
                         user_id, family_id, now + (gint64) self->access_token_ttl * 1000, now, error);
  if (*access == NULL)
    return FALSE;
  *refresh = issue_token (self,
                          "INSERT INTO refresh_tokens (digest, user_id, family_id, expires_at, created_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)",
                          user_id, family_id, now + (gint64) VZ_REFRESH_TOKEN_TTL * 1000, now, error);
  return *refresh != NULL;
}

static void
set_cookie (VzRequest  *req,
            const char *name,
            const char *value,
            gint64      max_age)
{
  g_autofree char *cookie = g_strdup_printf ("%s=%s; Path=/; Max-Age=%" G_GINT64_FORMAT "; HttpOnly; SameSite=Lax",
                                             name, value, max_age);

  soup_message_headers_append (soup_server_message_get_response_headers (req->msg), "Set-Cookie", cookie);
}

static char *
request_cookie (VzRequest  *req,
                const char *name)
{
  const char *header;
  g_autoptr(GHashTable) cookies = NULL;
  const char *value;

  header = soup_message_headers_get_list (soup_server_message_get_request_headers (req->msg), "Cookie");
  if (header == NULL)
    return NULL;
  cookies = soup_header_parse_semi_param_list (header);
  value = g_hash_table_lookup (cookies, name);
  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

static void
revoke_family (VzServer   *self,
               const char *family_id)
{
  g_autoptr(VzStmt) refresh = NULL;
  g_autoptr(VzStmt) access = NULL;
  g_autoptr(GError) error = NULL;

  refresh = vz_db_prepare (self->db, "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?1", &error);
  if (refresh != NULL)
    {
      sqlite3_bind_text (refresh, 1, family_id, -1, SQLITE_TRANSIENT);
      vz_db_step_done (self->db, refresh, &error);
    }
  if (error == NULL)
    access = vz_db_prepare (self->db, "DELETE FROM access_tokens WHERE family_id = ?1", &error);
  if (access != NULL)
    {
      sqlite3_bind_text (access, 1, family_id, -1, SQLITE_TRANSIENT);
      vz_db_step_done (self->db, access, &error);
    }
  if (error != NULL)
    g_message ("Could not revoke a sign-in session: %s", error->message);
}

static void
add_user_members (JsonBuilder *builder,
                  VzStmt      *stmt,
                  int          first)   /* id, email, first, last, role, org, active, created, updated */
{
  _vz_builder_add_column_string (builder, "id", stmt, first);
  _vz_builder_add_column_string (builder, "email", stmt, first + 1);
  _vz_builder_add_column_string (builder, "firstName", stmt, first + 2);
  _vz_builder_add_column_string (builder, "lastName", stmt, first + 3);
  _vz_builder_add_column_string (builder, "role", stmt, first + 4);
  _vz_builder_add_column_string (builder, "organizationId", stmt, first + 5);
  json_builder_set_member_name (builder, "isActive");
  json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, first + 6) != 0);
  _vz_builder_add_column_time (builder, "createdAt", stmt, first + 7);
  _vz_builder_add_column_time (builder, "updatedAt", stmt, first + 8);
}

#define USER_COLUMNS "u.id, u.email, u.first_name, u.last_name, u.role, u.organization_id, u.is_active, u.created_at, u.updated_at"

/* --- login -------------------------------------------------------------- */

typedef struct {
  char     *password;
  char     *hash;
  char     *user_id;
  char     *email_key;
  char     *client_key;
  gboolean  active;
} LoginData;

static void
login_data_free (LoginData *data)
{
  if (data->password != NULL)
    explicit_bzero (data->password, strlen (data->password));
  g_free (data->password);
  g_free (data->hash);
  g_free (data->user_id);
  g_free (data->email_key);
  g_free (data->client_key);
  g_free (data);
}

static void
login_verify_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  LoginData *data = task_data;

  /* yescrypt costs tens of milliseconds by design: never on the main loop. */
  g_task_return_boolean (task, vz_password_verify (data->password, data->hash));
}

static void
login_verified_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  VzServer *self = VZ_SERVER (source);
  g_autoptr(VzRequest) req = user_data;
  LoginData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(VzStmt) stmt = NULL;
  g_autofree char *family = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gint64 now = _vz_now_ms ();

  /* Stopped meanwhile: the connection is gone with the SoupServer. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->db == NULL)
    return;
  g_clear_error (&error);

  /* A failure was counted when the attempt was admitted. */
  if (!ok || data->user_id == NULL || !data->active)
    {
      g_set_error (&error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_UNAUTHORIZED,
                   ok && !data->active ? "This account is disabled."
                                       : "The email address or password is not correct.");
      _vz_reply_error (req, error);
      return;
    }

  _vz_sign_in_succeeded (self, data->email_key, data->client_key);

  family = g_uuid_string_random ();
  if (!vz_db_begin (self->db, &error) ||
      !issue_tokens (self, data->user_id, family, now, &access, &refresh, &error) ||
      !vz_db_commit (self->db, &error))
    {
      vz_db_rollback (self->db);
      _vz_reply_error (req, error);
      return;
    }

  stmt = vz_db_prepare (self->db, "SELECT " USER_COLUMNS " FROM users u WHERE u.id = ?1", &error);
  if (stmt == NULL || (sqlite3_bind_text (stmt, 1, data->user_id, -1, SQLITE_TRANSIENT),
                       sqlite3_step (stmt) != SQLITE_ROW))
    {
      if (error == NULL)
        g_set_error (&error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "The user vanished while signing in.");
      _vz_reply_error (req, error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access);
  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  add_user_members (builder, stmt, 0);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "expiresIn");
  json_builder_add_int_value (builder, self->access_token_ttl);
  json_builder_end_object (builder);

  set_cookie (req, REFRESH_COOKIE, refresh, VZ_REFRESH_TOKEN_TTL);
  _vz_reply_data (req, 201, json_builder_get_root (builder));
}

gboolean
_vz_route_auth_login (VzServer   *self,
                      VzRequest  *req,
                      GError    **error)
{
  static const VzFieldSpec spec[] = {
    { "email", VZ_FIELD_STRING, TRUE, 255 },
    { "password", VZ_FIELD_STRING, TRUE, 1024 },
  };
  g_autoptr(GTask) task = NULL;
  g_autoptr(VzStmt) stmt = NULL;
  g_autofree char *email = NULL;
  LoginData *data;

  if (!_vz_request_check_body (req, spec, G_N_ELEMENTS (spec), error))
    return FALSE;

  email = _vz_request_dup_string (req, "email");
  data = g_new0 (LoginData, 1);
  data->email_key = g_utf8_strdown (email, -1);
  data->password = g_strdup (json_object_get_string_member (req->body, "password"));

  data->client_key = _vz_request_client_key (req);
  if (!_vz_sign_in_admit (self, req, data->email_key, data->client_key, error))
    {
      login_data_free (data);
      return FALSE;
    }

  stmt = vz_db_prepare (self->db, "SELECT id, password_hash, is_active FROM users WHERE email = ?1", error);
  if (stmt == NULL)
    {
      login_data_free (data);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      data->user_id = g_strdup (vz_stmt_text (stmt, 0));
      data->hash = g_strdup (vz_stmt_text (stmt, 1));
      data->active = sqlite3_column_int (stmt, 2) != 0;
    }
  else
    {
      /* Same work for unknown emails, so timing does not reveal accounts. */
      data->hash = g_strdup (self->dummy_hash);
    }

  _vz_request_pause (req);
  task = g_task_new (self, self->cancellable, login_verified_cb, _vz_request_ref (req));
  g_task_set_source_tag (task, _vz_route_auth_login);
  g_task_set_task_data (task, data, (GDestroyNotify) login_data_free);
  g_task_run_in_thread (task, login_verify_thread);
  return TRUE;
}

/* --- refresh, me, logout ------------------------------------------------ */

gboolean
_vz_route_auth_refresh (VzServer   *self,
                        VzRequest  *req,
                        GError    **error)
{
  g_autofree char *presented = request_cookie (req, REFRESH_COOKIE);
  g_autofree char *digest = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *family = NULL;
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(VzStmt) mark = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  const char *authorization;
  gboolean replayed;
  gint64 expires;
  gboolean active;

  if (presented == NULL)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_UNAUTHORIZED, "No refresh token");
      return FALSE;
    }

  digest = vz_token_digest (presented);
  stmt = vz_db_prepare (self->db,
                        "SELECT r.user_id, r.family_id, r.expires_at, r.used_at IS NOT NULL OR r.revoked, u.is_active"
                        " FROM refresh_tokens r JOIN users u ON u.id = r.user_id WHERE r.digest = ?1",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_UNAUTHORIZED,
                   "This sign-in session is not valid. Sign in again.");
      return FALSE;
    }
  user_id = g_strdup (vz_stmt_text (stmt, 0));
  family = g_strdup (vz_stmt_text (stmt, 1));
  expires = sqlite3_column_int64 (stmt, 2);
  replayed = sqlite3_column_int (stmt, 3) != 0;
  active = sqlite3_column_int (stmt, 4) != 0;
  vz_stmt_release (g_steal_pointer (&stmt));

  if (replayed)
    {
      /* A used token coming back means two holders: end the whole session. */
      revoke_family (self, family);
      _vz_server_end_session (self, family, "revoked");
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_UNAUTHORIZED,
                   "This sign-in session was ended because an old refresh token was used again. Sign in again.");
      return FALSE;
    }
  if (expires <= req->now || !active)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_UNAUTHORIZED,
                   "This sign-in session has expired. Sign in again.");
      return FALSE;
    }

  if (!vz_db_begin (self->db, error))
    return FALSE;

  mark = vz_db_prepare (self->db, "UPDATE refresh_tokens SET used_at = ?2 WHERE digest = ?1", error);
  if (mark == NULL)
    goto fail;
  sqlite3_bind_text (mark, 1, digest, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (mark, 2, req->now);
  if (!vz_db_step_done (self->db, mark, error))
    goto fail;

  /* The access token being replaced (expired or not) stops working now. */
  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), "Authorization");
  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    {
      g_autofree char *presented_access = g_strstrip (g_strdup (authorization + 7));
      g_autofree char *old = vz_token_digest (presented_access);
      g_autoptr(VzStmt) drop = vz_db_prepare (self->db,
                                              "DELETE FROM access_tokens WHERE digest = ?1 AND user_id = ?2", error);

      if (drop == NULL)
        goto fail;
      sqlite3_bind_text (drop, 1, old, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (drop, 2, user_id, -1, SQLITE_TRANSIENT);
      if (!vz_db_step_done (self->db, drop, error))
        goto fail;
    }

  if (!issue_tokens (self, user_id, family, req->now, &access, &refresh, error) ||
      !vz_db_commit (self->db, error))
    goto fail;

  set_cookie (req, REFRESH_COOKIE, refresh, VZ_REFRESH_TOKEN_TTL);
  set_cookie (req, ACCESS_COOKIE, access, self->access_token_ttl);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "expiresIn");
  json_builder_add_int_value (builder, self->access_token_ttl);
  json_builder_end_object (builder);
  _vz_reply_data (req, 201, json_builder_get_root (builder));
  return TRUE;

fail:
  vz_db_rollback (self->db);
  return FALSE;
}

gboolean
_vz_route_auth_me (VzServer   *self,
                   VzRequest  *req,
                   GError    **error)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  static const char * const no_keys[] = { NULL };

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;

  stmt = vz_db_prepare (self->db,
                        "SELECT " USER_COLUMNS ", o.id, o.name, o.created_at, o.updated_at"
                        " FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = ?1",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, req->user_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_UNAUTHORIZED, "This account no longer exists.");
      return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  add_user_members (builder, stmt, 0);
  json_builder_set_member_name (builder, "avatarUrl");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "organization");
  json_builder_begin_object (builder);
  _vz_builder_add_column_string (builder, "id", stmt, 9);
  _vz_builder_add_column_string (builder, "name", stmt, 10);
  json_builder_set_member_name (builder, "subscriptionTier");
  json_builder_add_string_value (builder, "local");
  _vz_builder_add_column_time (builder, "createdAt", stmt, 11);
  _vz_builder_add_column_time (builder, "updatedAt", stmt, 12);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

gboolean
_vz_route_auth_logout (VzServer   *self,
                       VzRequest  *req,
                       GError    **error)
{
  g_autofree char *presented = request_cookie (req, REFRESH_COOKIE);
  g_autoptr(VzStmt) drop = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  drop = vz_db_prepare (self->db, "DELETE FROM access_tokens WHERE digest = ?1", error);
  if (drop == NULL)
    return FALSE;
  sqlite3_bind_text (drop, 1, req->token_digest, -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, drop, error))
    return FALSE;

  if (presented != NULL)
    {
      g_autofree char *digest = vz_token_digest (presented);
      g_autoptr(VzStmt) find = vz_db_prepare (self->db,
                                              "SELECT family_id FROM refresh_tokens WHERE digest = ?1 AND user_id = ?2",
                                              error);

      if (find == NULL)
        return FALSE;
      sqlite3_bind_text (find, 1, digest, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (find, 2, req->user_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (find) == SQLITE_ROW && g_strcmp0 (vz_stmt_text (find, 0), req->session_id) != 0)
        {
          g_autofree char *family = g_strdup (vz_stmt_text (find, 0));

          vz_stmt_release (g_steal_pointer (&find));
          revoke_family (self, family);
          _vz_server_end_session (self, family, "logged_out");
        }
    }

  /* The bearer token alone ends its whole session: the refresh token that
   * came with it stops working, and its realtime sockets are closed. */
  if (req->session_id != NULL)
    {
      revoke_family (self, req->session_id);
      _vz_server_end_session (self, req->session_id, "logged_out");
    }

  set_cookie (req, REFRESH_COOKIE, "", 0);
  set_cookie (req, ACCESS_COOKIE, "", 0);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "Logged out successfully");
  json_builder_end_object (builder);
  _vz_reply_json (req, 201, json_builder_get_root (builder));
  return TRUE;
}

/* --- bearer authentication ---------------------------------------------- */

typedef enum {
  TOKEN_OK,
  TOKEN_UNKNOWN,
  TOKEN_EXPIRED,
} TokenResult;

static TokenResult
lookup_token (VzServer    *self,
              const char  *digest,
              gint64       now,
              char       **user_id,
              char       **organization_id,
              char       **role,
              char       **session_id)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  stmt = vz_db_prepare (self->db,
                        "SELECT u.id, u.organization_id, u.role, t.expires_at, t.family_id FROM access_tokens t"
                        " JOIN users u ON u.id = t.user_id WHERE t.digest = ?1 AND u.is_active = 1",
                        &error);
  if (stmt == NULL)
    return TOKEN_UNKNOWN;
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return TOKEN_UNKNOWN;
  if (sqlite3_column_int64 (stmt, 3) <= now)
    return TOKEN_EXPIRED;
  if (user_id != NULL)
    *user_id = g_strdup (vz_stmt_text (stmt, 0));
  if (organization_id != NULL)
    *organization_id = g_strdup (vz_stmt_text (stmt, 1));
  if (role != NULL)
    *role = g_strdup (vz_stmt_text (stmt, 2));
  if (session_id != NULL)
    *session_id = g_strdup (vz_stmt_text (stmt, 4));
  return TOKEN_OK;
}

gboolean
_vz_server_lookup_access_token (VzServer    *self,
                                const char  *token,
                                char       **user_id,
                                char       **organization_id,
                                char       **role,
                                char       **session_id)
{
  g_autofree char *digest = NULL;

  if (token == NULL || *token == '\0' || strlen (token) > 512 || self->db == NULL)
    return FALSE;
  digest = vz_token_digest (token);
  return lookup_token (self, digest, _vz_now_ms (), user_id, organization_id, role, session_id) == TOKEN_OK;
}

gboolean
_vz_server_authenticate_request (VzServer   *self,
                                 VzRequest  *req,
                                 GError    **error)
{
  const char *header;
  g_autofree char *token = NULL;

  header = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), "Authorization");
  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_UNAUTHORIZED,
                   "Sign in first: this request needs an access token.");
      return FALSE;
    }
  token = g_strstrip (g_strdup (header + 7));
  if (*token == '\0' || strlen (token) > 512)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_UNAUTHORIZED,
                   "The access token is not valid. Sign in again.");
      return FALSE;
    }

  req->token_digest = vz_token_digest (token);
  switch (lookup_token (self, req->token_digest, req->now, &req->user_id, &req->organization_id, &req->role,
                        &req->session_id))
    {
    case TOKEN_OK:
      return TRUE;
    case TOKEN_EXPIRED:
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_UNAUTHORIZED,
                   "The access token has expired. Refresh it or sign in again.");
      return FALSE;
    case TOKEN_UNKNOWN:
    default:
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_UNAUTHORIZED,
                   "The access token is not valid. Sign in again.");
      return FALSE;
    }
}

gboolean
_vz_server_lookup_device_token (VzServer    *self,
                                const char  *token,
                                char       **display_id,
                                char       **organization_id)
{
  g_autofree char *digest = NULL;
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  if (token == NULL || *token == '\0' || strlen (token) > 512 || self->db == NULL)
    return FALSE;
  digest = vz_token_digest (token);
  stmt = vz_db_prepare (self->db, "SELECT id, organization_id FROM displays WHERE device_token_digest = ?1", &error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, digest, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  if (display_id != NULL)
    *display_id = g_strdup (vz_stmt_text (stmt, 0));
  if (organization_id != NULL)
    *organization_id = g_strdup (vz_stmt_text (stmt, 1));
  return TRUE;
}

gboolean
_vz_server_authenticate_device (VzServer  *self,
                                VzRequest *req)
{
  const char *header;
  g_autofree char *token = NULL;
  g_autofree char *organization_id = NULL;

  header = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), "Authorization");
  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return FALSE;
  token = g_strstrip (g_strdup (header + 7));
  if (!_vz_server_lookup_device_token (self, token, NULL, &organization_id))
    return FALSE;
  g_free (req->organization_id);
  req->organization_id = g_steal_pointer (&organization_id);
  g_free (req->role);
  req->role = g_strdup ("device");
  return TRUE;
}

gboolean
_vz_server_session_alive (VzServer   *self,
                          const char *session_id,
                          gint64      now)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  /* Alive while it can still be used or renewed: an unexpired access token,
   * or a refresh token not yet used, revoked or expired. */
  stmt = vz_db_prepare (self->db,
                        "SELECT EXISTS (SELECT 1 FROM access_tokens WHERE family_id = ?1 AND expires_at > ?2)"
                        " OR EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = ?1 AND expires_at > ?2"
                        " AND used_at IS NULL AND NOT revoked)",
                        &error);
  if (stmt == NULL)
    {
      /* Not known to be over: a database hiccup must not end sessions. */
      g_message ("Could not check a sign-in session: %s", error->message);
      return TRUE;
    }
  sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);
  return sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int (stmt, 0) != 0;
}

void
_vz_server_auth_maintenance (VzServer *self)
{
  static const char * const cleanups[] = {
    /* Expired access tokens linger a day so "expired" can be told from "unknown". */
    "DELETE FROM access_tokens WHERE expires_at < ?1 - 86400000",
    "DELETE FROM refresh_tokens WHERE expires_at < ?1",
    "DELETE FROM idempotency_keys WHERE created_at < ?1 - 86400000",
  };
  gint64 now = _vz_now_ms ();

  if (self->db == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cleanups); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VzStmt) stmt = vz_db_prepare (self->db, cleanups[i], &error);

      if (stmt != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, now);
          vz_db_step_done (self->db, stmt, &error);
        }
      if (error != NULL)
        g_message ("Clean-up failed: %s", error->message);
    }
}
