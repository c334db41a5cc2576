/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <string.h>

#include "vz-password.h"
#include "vz-server-private.h"

/*
 * Pairing, three parties: the screen asks for a code (public, limited per
 * client unless a signed-in admin or manager asks on its behalf), a person
 * completes it with that code (signed in), the screen polls and receives its
 * device token exactly once. The token is made at that moment; only its
 * digest is ever stored.
 */

#define CODE_ALPHABET "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
#define CODE_LENGTH   6

static char *
generate_code (void)
{
  const guint n = sizeof CODE_ALPHABET - 1;
  char *code = g_malloc (CODE_LENGTH + 1);
  guint i = 0;

  while (i < CODE_LENGTH)
    {
      guint8 byte;

      vz_random_bytes (&byte, 1);
      /* 32 divides 256: every byte maps without bias. */
      code[i++] = CODE_ALPHABET[byte % n];
    }
  code[CODE_LENGTH] = '\0';
  return code;
}

/* Upper-cased, trimmed code, or NULL when it cannot be one of ours. */
static char *
normalize_code (const char *text)
{
  g_autofree char *code = NULL;

  if (text == NULL)
    return NULL;
  code = g_ascii_strup (text, -1);
  g_strstrip (code);
  if (strlen (code) != CODE_LENGTH)
    return NULL;
  for (const char *p = code; *p != '\0'; p++)
    if (strchr (CODE_ALPHABET, *p) == NULL)
      return NULL;
  return g_steal_pointer (&code);
}

/* A screen is paired once; pairing it again needs it removed first. */
static gboolean
check_not_paired (VzServer    *self,
                  const char  *identifier,
                  GError     **error)
{
  g_autoptr(VzStmt) stmt = vz_db_prepare (self->db, "SELECT 1 FROM displays WHERE device_identifier = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, identifier, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                   "Device is already paired. Please unpair first.");
      return FALSE;
    }
  return TRUE;
}

/* The route is public: each client may ask so many times a minute. A
 * request that carries the access token of someone who may pair screens
 * (the simulator pairing thousands from one address) is not counted. */
static gboolean
admit_pairing_request (VzServer   *self,
                       VzRequest  *req,
                       GError    **error)
{
  g_autofree char *client = NULL;

  if (soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), "Authorization") != NULL &&
      _vz_server_authenticate_request (self, req, NULL) && !g_str_equal (req->role, "viewer"))
    return TRUE;
  client = _vz_request_client_key (req);
  return _vz_rate_admit (&self->pairing_rate, req, client, "pairing requests", error);
}

gboolean
_vz_route_pairing_request (VzServer   *self,
                           VzRequest  *req,
                           GError    **error)
{
  static const VzFieldSpec spec[] = {
    { "deviceIdentifier", VZ_FIELD_STRING, TRUE, 255 },
    { "nickname", VZ_FIELD_STRING, FALSE, 255 },
    { "metadata", VZ_FIELD_OBJECT, FALSE, 0 },
  };
  g_autofree char *identifier = NULL;
  g_autofree char *nickname = NULL;
  g_autofree char *metadata = NULL;
  g_autofree char *code = NULL;
  g_autoptr(VzStmt) drop = NULL;
  g_autoptr(VzStmt) open_count = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 expires = req->now + VZ_PAIRING_TTL_SECONDS * 1000;
  guint attempt;

  if (!admit_pairing_request (self, req, error) ||
      !_vz_request_check_body (req, spec, G_N_ELEMENTS (spec), error))
    return FALSE;
  identifier = _vz_request_dup_string (req, "deviceIdentifier");
  nickname = _vz_request_dup_string (req, "nickname");
  if (nickname != NULL && *nickname == '\0')
    g_clear_pointer (&nickname, g_free);
  if (_vz_request_has_member (req, "metadata"))
    {
      metadata = _vz_json_to_string (json_object_get_member (req->body, "metadata"));
      if (strlen (metadata) > VZ_PAIRING_METADATA_MAX)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID,
                       "metadata must be at most %d bytes of JSON", VZ_PAIRING_METADATA_MAX);
          return FALSE;
        }
    }

  if (!check_not_paired (self, identifier, error))
    return FALSE;

  /* The route is public: a runaway script must not fill the disk with codes. */
  open_count = vz_db_prepare (self->db,
                              "SELECT COUNT(*) FROM pairing_requests WHERE organization_id IS NULL AND expires_at > ?1",
                              error);
  if (open_count == NULL)
    return FALSE;
  sqlite3_bind_int64 (open_count, 1, req->now);
  if (sqlite3_step (open_count) == SQLITE_ROW && sqlite3_column_int64 (open_count, 0) >= VZ_PAIRING_MAX_OPEN)
    {
      g_object_set_data_full (G_OBJECT (req->msg), "vz-retry-after", g_strdup ("60"), g_free);
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_RATE_LIMITED,
                   "Too many screens are waiting to be paired right now. Try again in a minute.");
      return FALSE;
    }
  vz_stmt_release (g_steal_pointer (&open_count));

  /* One transaction: one commit (a write to the WAL) instead of two. */
  if (!vz_db_begin (self->db, error))
    return FALSE;
  /* A screen that asks again gets a fresh code; its old one stops working. */
  drop = vz_db_prepare (self->db,
                        "DELETE FROM pairing_requests WHERE device_identifier = ?1 AND organization_id IS NULL",
                        error);
  if (drop == NULL)
    goto fail;
  sqlite3_bind_text (drop, 1, identifier, -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, drop, error))
    goto fail;

  for (attempt = 0; attempt < 16; attempt++)
    {
      g_autoptr(VzStmt) insert = NULL;
      g_autoptr(GError) local_error = NULL;

      g_free (code);
      code = generate_code ();
      insert = vz_db_prepare (self->db,
                              "INSERT INTO pairing_requests (code, device_identifier, nickname, metadata, created_at, expires_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                              error);
      if (insert == NULL)
        goto fail;
      sqlite3_bind_text (insert, 1, code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 2, identifier, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 3, nickname, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (insert, 4, metadata != NULL ? metadata : "{}", -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (insert, 5, req->now);
      sqlite3_bind_int64 (insert, 6, expires);
      if (vz_db_step_done (self->db, insert, &local_error))
        break;
      if (!g_error_matches (local_error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_CONFLICT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
    }
  if (attempt == 16)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FAILED, "Unable to generate unique pairing code");
      goto fail;
    }
  if (!vz_db_commit (self->db, error))
    goto fail;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  _vz_builder_add_time_or_null (builder, "expiresAt", expires);
  json_builder_set_member_name (builder, "expiresInSeconds");
  json_builder_add_int_value (builder, VZ_PAIRING_TTL_SECONDS);
  json_builder_end_object (builder);
  _vz_reply_data (req, 201, json_builder_get_root (builder));
  return TRUE;

fail:
  vz_db_rollback (self->db);
  return FALSE;
}

/* The unexpired request that @text names (any case, spaces around), selected
 * by @sql with the code as ?1; @code receives the code as stored. Malformed,
 * unknown and expired codes all read the same, so codes cannot be probed. */
static VzStmt *
select_pairing (VzServer    *self,
                VzRequest   *req,
                const char  *sql,
                int          expires_column,
                const char  *text,
                char       **code,
                GError     **error)
{
  VzStmt *stmt;

  *code = normalize_code (text);
  if (*code == NULL)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Pairing code not found or expired");
      return NULL;
    }
  stmt = vz_db_prepare (self->db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, *code, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int64 (stmt, expires_column) <= req->now)
    {
      vz_stmt_release (stmt);
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Pairing code not found or expired");
      return NULL;
    }
  return stmt;
}

/* Makes the screen's device token, keeps its digest with the screen and
 * forgets the code, in one transaction; the token itself goes only to the
 * screen. NOT_FOUND when the screen was removed in between. */
static char *
hand_over_token (VzServer    *self,
                 const char  *code,
                 const char  *display_id,
                 const char  *organization_id,
                 GError     **error)
{
  g_autofree char *token = vz_token_generate ();
  g_autofree char *digest = vz_token_digest (token);
  g_autoptr(VzStmt) set = NULL;
  g_autoptr(VzStmt) drop = NULL;
  gint64 changed;

  if (!vz_db_begin (self->db, error))
    return NULL;
  set = vz_db_prepare (self->db,
                       "UPDATE displays SET device_token_digest = ?3 WHERE id = ?1 AND organization_id = ?2",
                       error);
  if (set == NULL)
    goto fail;
  sqlite3_bind_text (set, 1, display_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (set, 2, organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (set, 3, digest, -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, set, error))
    goto fail;
  changed = vz_db_changes (self->db);

  drop = vz_db_prepare (self->db, "DELETE FROM pairing_requests WHERE code = ?1", error);
  if (drop == NULL)
    goto fail;
  sqlite3_bind_text (drop, 1, code, -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, drop, error) || !vz_db_commit (self->db, error))
    goto fail;

  if (changed == 0)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_NOT_FOUND, "Pairing code not found or expired");
      return NULL;
    }
  return g_steal_pointer (&token);

fail:
  vz_db_rollback (self->db);
  return NULL;
}

gboolean
_vz_route_pairing_status (VzServer   *self,
                          VzRequest  *req,
                          GError    **error)
{
  g_autofree char *code = NULL;
  g_autofree char *token = NULL;
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 expires;

  stmt = select_pairing (self, req,
                         "SELECT expires_at, display_id, organization_id FROM pairing_requests WHERE code = ?1",
                         0, req->params[0], &code, error);
  if (stmt == NULL)
    return FALSE;
  expires = sqlite3_column_int64 (stmt, 0);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  if (!vz_stmt_is_null (stmt, 2))
    {
      g_autofree char *display_id = g_strdup (vz_stmt_text (stmt, 1));
      g_autofree char *organization_id = g_strdup (vz_stmt_text (stmt, 2));

      vz_stmt_release (g_steal_pointer (&stmt));
      token = hand_over_token (self, code, display_id, organization_id, error);
      if (token == NULL)
        return FALSE;
      json_builder_add_string_value (builder, "paired");
      json_builder_set_member_name (builder, "deviceToken");
      json_builder_add_string_value (builder, token);
      json_builder_set_member_name (builder, "deviceId");
      json_builder_add_string_value (builder, display_id);
      json_builder_set_member_name (builder, "organizationId");
      json_builder_add_string_value (builder, organization_id);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_string_value (builder, "pending");
      _vz_builder_add_time_or_null (builder, "expiresAt", expires);
      json_builder_end_object (builder);
    }
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

gboolean
_vz_route_pairing_complete (VzServer   *self,
                            VzRequest  *req,
                            GError    **error)
{
  static const VzFieldSpec spec[] = {
    { "code", VZ_FIELD_STRING, TRUE, 32 },
    { "nickname", VZ_FIELD_STRING, FALSE, 255 },
    { "location", VZ_FIELD_STRING, FALSE, 255 },
  };
  g_autofree char *code = NULL;
  g_autofree char *nickname = NULL;
  g_autofree char *location = NULL;
  g_autofree char *identifier = NULL;
  g_autofree char *metadata = NULL;
  g_autofree char *display_id = NULL;
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(VzStmt) count = NULL;
  g_autoptr(VzStmt) insert = NULL;
  g_autoptr(VzStmt) mark = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *raw_code = NULL;

  if (!_vz_request_check_body (req, spec, G_N_ELEMENTS (spec), error))
    return FALSE;
  raw_code = _vz_request_dup_string (req, "code");
  stmt = select_pairing (self, req,
                         "SELECT device_identifier, nickname, metadata, expires_at, organization_id"
                         " FROM pairing_requests WHERE code = ?1",
                         3, raw_code, &code, error);
  if (stmt == NULL)
    return FALSE;
  if (!vz_stmt_is_null (stmt, 4))
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_INVALID, "Pairing code has already been completed");
      return FALSE;
    }
  identifier = g_strdup (vz_stmt_text (stmt, 0));
  nickname = _vz_request_dup_string (req, "nickname");
  if (nickname == NULL || *nickname == '\0')
    {
      g_free (nickname);
      nickname = g_strdup (vz_stmt_text (stmt, 1) != NULL ? vz_stmt_text (stmt, 1) : identifier);
    }
  metadata = g_strdup (vz_stmt_text (stmt, 2));
  vz_stmt_release (g_steal_pointer (&stmt));
  location = _vz_request_dup_string (req, "location");

  /* Counting the organization's screens walks all of them: only needed when
   * the whole server (every organization) has that many. */
  if (_vz_server_device_count (self) >= self->max_displays)
    {
      count = vz_db_prepare (self->db, "SELECT COUNT(*) FROM displays WHERE organization_id = ?1", error);
      if (count == NULL)
        return FALSE;
      sqlite3_bind_text (count, 1, req->organization_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (count) == SQLITE_ROW && sqlite3_column_int64 (count, 0) >= self->max_displays)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_FORBIDDEN,
                       "This server is limited to %u screens. Remove a screen before pairing another.",
                       self->max_displays);
          return FALSE;
        }
      vz_stmt_release (g_steal_pointer (&count));
    }

  if (!check_not_paired (self, identifier, error))
    return FALSE;

  display_id = g_uuid_string_random ();

  if (!vz_db_begin (self->db, error))
    return FALSE;
  insert = vz_db_prepare (self->db,
                          "INSERT INTO displays (id, organization_id, device_identifier, nickname, location, status,"
                          " metadata, created_at, updated_at, paired_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, 'pairing', ?6, ?7, ?7, ?7)",
                          error);
  if (insert == NULL)
    goto fail;
  sqlite3_bind_text (insert, 1, display_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 3, identifier, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 4, nickname, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 5, location, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 6, metadata != NULL ? metadata : "{}", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 7, req->now);
  if (!vz_db_step_done (self->db, insert, error))
    goto fail;

  mark = vz_db_prepare (self->db,
                        "UPDATE pairing_requests SET organization_id = ?2, display_id = ?3 WHERE code = ?1",
                        error);
  if (mark == NULL)
    goto fail;
  sqlite3_bind_text (mark, 1, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (mark, 2, req->organization_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (mark, 3, display_id, -1, SQLITE_TRANSIENT);
  if (!vz_db_step_done (self->db, mark, error) || !vz_db_commit (self->db, error))
    goto fail;

  _vz_server_device_added (self, req->organization_id, display_id, "pairing");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "display");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, display_id);
  json_builder_set_member_name (builder, "nickname");
  json_builder_add_string_value (builder, nickname);
  json_builder_set_member_name (builder, "deviceIdentifier");
  json_builder_add_string_value (builder, identifier);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "pairing");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  _vz_reply_json (req, 201, json_builder_get_root (builder));
  return TRUE;

fail:
  vz_db_rollback (self->db);
  return FALSE;
}

gboolean
_vz_route_pairing_active (VzServer   *self,
                          VzRequest  *req,
                          GError    **error)
{
  static const char * const no_keys[] = { NULL };
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!_vz_request_check_query (req, no_keys, error))
    return FALSE;

  /* A local server has one organization, so every open request is ours. */
  stmt = vz_db_prepare (self->db,
                        "SELECT code, nickname, created_at, expires_at FROM pairing_requests"
                        " WHERE organization_id IS NULL AND expires_at > ?1 ORDER BY created_at DESC LIMIT 500",
                        error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, req->now);

  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      _vz_builder_add_column_string (builder, "code", stmt, 0);
      _vz_builder_add_column_string (builder, "nickname", stmt, 1);
      _vz_builder_add_column_time (builder, "createdAt", stmt, 2);
      _vz_builder_add_column_time (builder, "expiresAt", stmt, 3);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  _vz_reply_data (req, 200, json_builder_get_root (builder));
  return TRUE;
}

void
_vz_server_pairing_maintenance (VzServer *self)
{
  g_autoptr(VzStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  if (self->db == NULL)
    return;
  stmt = vz_db_prepare (self->db, "DELETE FROM pairing_requests WHERE expires_at <= ?1", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, _vz_now_ms ());
      vz_db_step_done (self->db, stmt, &error);
    }
  if (error != NULL)
    g_message ("Could not drop expired pairing codes: %s", error->message);
}
