/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-db"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "vz-db.h"
#include "vz-server-error.h"

struct _VzDb
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *handle;
  GHashTable *statements;   /* SQL text → sqlite3_stmt* */
  guint       depth;        /* open vz_db_begin() levels */
};

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (VzDb, vz_db, G_TYPE_OBJECT)

/*
 * Each step upgrades the schema from version i to i + 1. Steps are only ever
 * appended: a data dir written by an older build is migrated in place.
 */
static const char * const migrations[] = {
  /* 0 → 1: organizations, users, sessions, screens, groups, pairing. */
  "CREATE TABLE organizations ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE users ("
  "  id TEXT PRIMARY KEY,"
  "  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
  "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  password_hash TEXT NOT NULL,"
  "  first_name TEXT NOT NULL DEFAULT '',"
  "  last_name TEXT NOT NULL DEFAULT '',"
  "  role TEXT NOT NULL CHECK (role IN ('admin','manager','viewer')),"
  "  is_active INTEGER NOT NULL DEFAULT 1,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE TABLE access_tokens ("
  "  digest TEXT PRIMARY KEY,"
  "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
  "  family_id TEXT,"
  "  expires_at INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX access_tokens_expiry ON access_tokens(expires_at);"
  "CREATE INDEX access_tokens_family ON access_tokens(family_id);"
  "CREATE TABLE refresh_tokens ("
  "  digest TEXT PRIMARY KEY,"
  "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
  "  family_id TEXT NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  used_at INTEGER,"
  "  revoked INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);"
  "CREATE INDEX refresh_tokens_expiry ON refresh_tokens(expires_at);"
  "CREATE TABLE displays ("
  "  id TEXT PRIMARY KEY,"
  "  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
  "  device_identifier TEXT NOT NULL UNIQUE,"
  "  nickname TEXT,"
  "  description TEXT,"
  "  location TEXT,"
  "  status TEXT NOT NULL DEFAULT 'pairing',"
  "  orientation TEXT NOT NULL DEFAULT 'landscape',"
  "  resolution TEXT,"
  "  timezone TEXT NOT NULL DEFAULT 'UTC',"
  "  last_heartbeat INTEGER,"
  "  is_disabled INTEGER NOT NULL DEFAULT 0,"
  "  current_playlist_id TEXT,"
  "  metadata TEXT NOT NULL DEFAULT '{}',"
  "  device_token_digest TEXT UNIQUE,"
  "  cpu_usage REAL, memory_usage REAL, disk_usage REAL, temperature REAL, uptime INTEGER,"
  "  screenshot_file TEXT, screenshot_at INTEGER, screenshot_width INTEGER, screenshot_height INTEGER,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  paired_at INTEGER);"
  "CREATE INDEX displays_org_created ON displays(organization_id, created_at DESC, id DESC);"
  "CREATE INDEX displays_heartbeat ON displays(organization_id, last_heartbeat DESC);"
  "CREATE TABLE display_metrics ("
  "  display_id TEXT NOT NULL REFERENCES displays(id) ON DELETE CASCADE,"
  "  ts INTEGER NOT NULL,"
  "  cpu_usage REAL, memory_usage REAL, disk_usage REAL, temperature REAL,"
  "  PRIMARY KEY (display_id, ts)) WITHOUT ROWID;"
  "CREATE INDEX display_metrics_ts ON display_metrics(ts);"
  "CREATE TABLE display_groups ("
  "  id TEXT PRIMARY KEY,"
  "  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  description TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX display_groups_org_created ON display_groups(organization_id, created_at DESC, id DESC);"
  "CREATE TABLE display_group_members ("
  "  group_id TEXT NOT NULL REFERENCES display_groups(id) ON DELETE CASCADE,"
  "  display_id TEXT NOT NULL REFERENCES displays(id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (group_id, display_id)) WITHOUT ROWID;"
  "CREATE INDEX display_group_members_display ON display_group_members(display_id);"
  "CREATE TABLE pairing_requests ("
  "  code TEXT PRIMARY KEY,"
  "  device_identifier TEXT NOT NULL,"
  "  nickname TEXT,"
  "  metadata TEXT NOT NULL DEFAULT '{}',"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  organization_id TEXT,"
  "  display_id TEXT,"
  "  device_token TEXT) WITHOUT ROWID;"
  "CREATE INDEX pairing_requests_expiry ON pairing_requests(expires_at);"
  "CREATE TABLE idempotency_keys ("
  "  user_id TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  method TEXT NOT NULL,"
  "  path TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (user_id, key)) WITHOUT ROWID;"
  "CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);",

  /* 1 → 2: a screen's device token is never stored: it is made when the
   * screen collects it, and only its digest is kept (in displays). A code
   * completed but not yet collected gets a fresh token when it is. The
   * index lets the count of open requests skip their metadata. */
  "UPDATE displays SET device_token_digest = NULL WHERE id IN"
  "  (SELECT display_id FROM pairing_requests WHERE device_token IS NOT NULL);"
  "ALTER TABLE pairing_requests DROP COLUMN device_token;"
  "CREATE INDEX pairing_requests_open ON pairing_requests(organization_id, expires_at);",

  /* 2 → 3: the content library, its tags, playlists and their items, and
   * the impressions screens report (proof of play). Impressions keep no
   * foreign keys: what was played stays on record after the content, the
   * playlist or the screen is deleted. */
  "CREATE TABLE content ("
  "  id TEXT PRIMARY KEY,"
  "  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  type TEXT NOT NULL CHECK (type IN ('image','video','url','html','pdf')),"
  "  url TEXT,"
  "  mime_type TEXT,"
  "  file_hash TEXT,"
  "  file_size INTEGER,"
  "  duration INTEGER NOT NULL DEFAULT 10,"
  "  thumbnail TEXT,"
  "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','archived')),"
  "  folder_id TEXT,"
  "  metadata TEXT NOT NULL DEFAULT '{}',"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX content_org_created ON content(organization_id, created_at DESC, id DESC);"
  "CREATE INDEX content_hash ON content(file_hash);"
  "CREATE TABLE tags ("
  "  id TEXT PRIMARY KEY,"
  "  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  color TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  UNIQUE (organization_id, name));"
  "CREATE TABLE content_tags ("
  "  content_id TEXT NOT NULL REFERENCES content(id) ON DELETE CASCADE,"
  "  tag_id TEXT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (content_id, tag_id)) WITHOUT ROWID;"
  "CREATE INDEX content_tags_tag ON content_tags(tag_id);"
  "CREATE TABLE playlists ("
  "  id TEXT PRIMARY KEY,"
  "  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  description TEXT,"
  "  loop INTEGER NOT NULL DEFAULT 1,"
  "  is_default INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX playlists_org_created ON playlists(organization_id, created_at DESC, id DESC);"
  "CREATE TABLE playlist_items ("
  "  id TEXT PRIMARY KEY,"
  "  playlist_id TEXT NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,"
  "  content_id TEXT NOT NULL REFERENCES content(id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  duration INTEGER,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX playlist_items_order ON playlist_items(playlist_id, position);"
  "CREATE INDEX playlist_items_content ON playlist_items(content_id);"
  "CREATE INDEX displays_playlist ON displays(current_playlist_id);"
  "CREATE TABLE content_impressions ("
  "  id INTEGER PRIMARY KEY,"
  "  organization_id TEXT NOT NULL,"
  "  display_id TEXT NOT NULL,"
  "  content_id TEXT NOT NULL,"
  "  playlist_id TEXT,"
  "  duration REAL,"
  "  completion REAL,"
  "  played_at INTEGER NOT NULL,"
  "  received_at INTEGER NOT NULL);"
  "CREATE INDEX content_impressions_org_played ON content_impressions(organization_id, played_at);"
  "CREATE INDEX content_impressions_display ON content_impressions(display_id, played_at);"
  "CREATE INDEX content_impressions_content ON content_impressions(content_id, played_at);",

  /* 3 → 4: schedules. Dates are calendar days (days since 1970-01-01),
   * weekdays a bit mask (bit 0 = Sunday), times minutes after midnight. */
  "CREATE TABLE schedules ("
  "  id TEXT PRIMARY KEY,"
  "  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  description TEXT,"
  "  start_date INTEGER NOT NULL,"
  "  end_date INTEGER,"
  "  start_time INTEGER CHECK (start_time BETWEEN 0 AND 1439),"
  "  end_time INTEGER CHECK (end_time BETWEEN 0 AND 1439),"
  "  days_of_week INTEGER NOT NULL CHECK (days_of_week BETWEEN 0 AND 127),"
  "  priority INTEGER NOT NULL DEFAULT 0,"
  "  is_active INTEGER NOT NULL DEFAULT 1,"
  "  playlist_id TEXT NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,"
  "  display_id TEXT REFERENCES displays(id) ON DELETE CASCADE,"
  "  display_group_id TEXT REFERENCES display_groups(id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  CHECK ((display_id IS NULL) <> (display_group_id IS NULL)));"
  "CREATE INDEX schedules_org_created ON schedules(organization_id, created_at DESC, id DESC);"
  "CREATE INDEX schedules_display ON schedules(display_id);"
  "CREATE INDEX schedules_group ON schedules(display_group_id);"
  "CREATE INDEX schedules_playlist ON schedules(playlist_id);",

  /* 4 → 5: notifications, among them the alerts of the health rules. An
   * alert has a metric (its rule) and, once its condition ended, a
   * resolved_at; the screen it is about may be deleted since. */
  "CREATE TABLE notifications ("
  "  id TEXT PRIMARY KEY,"
  "  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
  "  type TEXT NOT NULL,"
  "  title TEXT NOT NULL,"
  "  message TEXT NOT NULL,"
  "  severity TEXT NOT NULL CHECK (severity IN ('info','warning','critical')),"
  "  read INTEGER NOT NULL DEFAULT 0,"
  "  dismissed_at INTEGER,"
  "  device_id TEXT,"
  "  device_name TEXT,"
  "  metric TEXT,"
  "  value REAL,"
  "  threshold REAL,"
  "  resolved_at INTEGER,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "CREATE INDEX notifications_org_created ON notifications(organization_id, created_at DESC, id DESC);"
  "CREATE INDEX notifications_unread ON notifications(organization_id) WHERE read = 0 AND dismissed_at IS NULL;"
  "CREATE INDEX notifications_open ON notifications(device_id, metric) WHERE metric IS NOT NULL AND resolved_at IS NULL;"
  "CREATE INDEX notifications_created ON notifications(created_at);",

  /* 5 → 6: the metrics history in compact chunks (vz-server-metrics.c):
   * resolution 0 holds an hour of heartbeats, 1 a UTC day of 5-minute
   * averages; a screen's series is a small integer, not its UUID, in every
   * chunk's key. The samples of the old table are not carried over. */
  "DROP TABLE display_metrics;"
  "CREATE TABLE metric_series ("
  "  key INTEGER PRIMARY KEY,"
  "  display_id TEXT NOT NULL UNIQUE REFERENCES displays(id) ON DELETE CASCADE);"
  "CREATE TABLE metric_chunks ("
  "  series INTEGER NOT NULL REFERENCES metric_series(key) ON DELETE CASCADE,"
  "  resolution INTEGER NOT NULL CHECK (resolution IN (0, 1)),"
  "  start INTEGER NOT NULL,"
  "  samples BLOB NOT NULL,"
  "  UNIQUE (series, resolution, start));"
  "CREATE INDEX metric_chunks_age ON metric_chunks(resolution, start);",

  /* 6 → 7: finished chunks are stored deflated (raw deflate), and the hour
   * each screen is recording lives in metric_pending until it is over, so
   * that metric_chunks' rows never grow in place. */
  "ALTER TABLE metric_chunks ADD COLUMN deflated INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE metric_pending ("
  "  series INTEGER PRIMARY KEY REFERENCES metric_series(key) ON DELETE CASCADE,"
  "  start INTEGER NOT NULL,"
  "  samples BLOB NOT NULL);",

  /* 7 → 8: each chunk carries the number of 5-minute windows its points
   * fall in (up), counted when it is written, so that availability is a sum
   * and never reads the samples. Chunks written before have none (NULL)
   * until the server counts them, a slice at a time (vz-server-metrics-counts.c);
   * the partial indexes find them. */
  "ALTER TABLE metric_chunks ADD COLUMN up INTEGER;"
  "ALTER TABLE metric_pending ADD COLUMN up INTEGER;"
  "CREATE INDEX metric_chunks_uncounted ON metric_chunks(series) WHERE up IS NULL;"
  "CREATE INDEX metric_pending_uncounted ON metric_pending(series) WHERE up IS NULL;",

  /* 8 → 9: the counts of a screen's chunks in an index of their own, so
   * that summing a week of them reads the index and not the rows beside
   * their samples. */
  "CREATE INDEX metric_chunks_up ON metric_chunks(series, start, up);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == VZ_DB_SCHEMA_VERSION);

void
vz_stmt_release (VzStmt *stmt)
{
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
}

static gboolean
set_sqlite_error (VzDb        *self,
                  GError     **error,
                  const char  *what)
{
  g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
               "The server’s database failed while %s: %s", what,
               self->handle != NULL ? sqlite3_errmsg (self->handle) : "not open");
  return FALSE;
}

static void
vz_db_finalize (GObject *object)
{
  VzDb *self = (VzDb *) object;

  vz_db_close (self);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (vz_db_parent_class)->finalize (object);
}

static void
vz_db_get_property (GObject    *object,
                    guint       prop_id,
                    GValue     *value,
                    GParamSpec *pspec)
{
  VzDb *self = VZ_DB (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_db_set_property (GObject      *object,
                    guint         prop_id,
                    const GValue *value,
                    GParamSpec   *pspec)
{
  VzDb *self = VZ_DB (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_db_class_init (VzDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vz_db_finalize;
  object_class->get_property = vz_db_get_property;
  object_class->set_property = vz_db_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
vz_db_init (VzDb *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
}

static gboolean
migrate (VzDb    *self,
         GError **error)
{
  g_autoptr(VzStmt) stmt = NULL;
  int version;

  stmt = vz_db_prepare (self, "PRAGMA user_version", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return set_sqlite_error (self, error, "reading the schema version");
  version = sqlite3_column_int (stmt, 0);
  vz_stmt_release (g_steal_pointer (&stmt));

  if (version > VZ_DB_SCHEMA_VERSION)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
                   "The data in %s was written by a newer vizora-server (schema %d, this one knows %d).",
                   self->path, version, VZ_DB_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < VZ_DB_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      /* One transaction per step: a crash mid-migration leaves the old schema. */
      if (!vz_db_begin (self, error))
        return FALSE;
      if (!vz_db_exec (self, migrations[version], error) ||
          !vz_db_exec (self, bump, error) ||
          !vz_db_commit (self, error))
        {
          vz_db_rollback (self);
          return FALSE;
        }
    }
  return TRUE;
}

/*
 * The database holds password hashes and token digests: the file and its
 * -wal and -shm companions are 0600 whatever the umask and whatever mode an
 * existing data dir or an older build left them with. SQLite creates the
 * companions with the mode of the database file, so the file is made (or
 * set) 0600 before SQLite opens it, and companions left behind are set too.
 */
static gboolean
restrict_files (const char  *path,
                GError     **error)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };
  int fd;

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
                   "The database %s cannot be opened: %s", path, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  for (guint i = 1; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *companion = g_strconcat (path, suffixes[i], NULL);

      if (g_chmod (companion, 0600) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
                       "The database file %s cannot be made private: %s", companion, g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

VzDb *
vz_db_open (const char  *path,
            GError     **error)
{
  g_autoptr(VzDb) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (!restrict_files (path, error))
    return NULL;

  self = g_object_new (VZ_TYPE_DB, "path", path, NULL);
  rc = sqlite3_open_v2 (path, &self->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
                   "The database %s cannot be opened: %s", path,
                   self->handle != NULL ? sqlite3_errmsg (self->handle) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_extended_result_codes (self->handle, 1);
  /* A second process (a test reading the file, a backup) may hold a lock briefly. */
  sqlite3_busy_timeout (self->handle, 5000);

  /* WAL with synchronous=NORMAL: durable across process crashes, and commits
   * do not fsync, which the heartbeat write-behind relies on for throughput.
   * Only checkpoints sync, and they run inside the commit that crosses the
   * threshold, stalling the server: one every 4,000 pages (16 MiB of WAL)
   * rather than SQLite's 1,000, so pairing a large fleet waits on fewer. */
  if (!vz_db_exec (self,
                   "PRAGMA journal_mode = WAL;"
                   "PRAGMA synchronous = NORMAL;"
                   "PRAGMA wal_autocheckpoint = 4000;"
                   "PRAGMA foreign_keys = ON;"
                   "PRAGMA temp_store = MEMORY;",
                   error))
    return NULL;

  /* A migration that drops a secret (the plaintext device tokens of schema
   * 1) overwrites the freed pages, and the WAL that held them is emptied. */
  if (!vz_db_exec (self, "PRAGMA secure_delete = ON", error) ||
      !migrate (self, error) ||
      !vz_db_exec (self, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA secure_delete = FAST", error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
vz_db_get_path (VzDb *self)
{
  g_return_val_if_fail (VZ_IS_DB (self), NULL);
  return self->path;
}

sqlite3 *
vz_db_get_handle (VzDb *self)
{
  g_return_val_if_fail (VZ_IS_DB (self), NULL);
  return self->handle;
}

VzStmt *
vz_db_prepare (VzDb        *self,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (VZ_IS_DB (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  if (self->handle == NULL)
    {
      set_sqlite_error (self, error, "preparing a query");
      return NULL;
    }

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error, "preparing a query");
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
vz_db_step_done (VzDb     *self,
                 VzStmt   *stmt,
                 GError  **error)
{
  int rc;

  g_return_val_if_fail (VZ_IS_DB (self), FALSE);
  g_return_val_if_fail (stmt != NULL, FALSE);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) == SQLITE_CONSTRAINT)
        {
          g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_CONFLICT,
                       "This would duplicate something that already exists.");
          return FALSE;
        }
      return set_sqlite_error (self, error, "writing");
    }
  return TRUE;
}

gboolean
vz_db_exec (VzDb        *self,
            const char  *sql,
            GError     **error)
{
  char *message = NULL;

  g_return_val_if_fail (VZ_IS_DB (self), FALSE);

  if (self->handle == NULL)
    return set_sqlite_error (self, error, "running a statement");

  if (sqlite3_exec (self->handle, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_DATABASE,
                   "The server’s database failed: %s", message != NULL ? message : "unknown error");
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

/*
 * Transactions nest: the outermost level is a real transaction, inner levels
 * are savepoints. The request dispatcher wraps a change and the record of its
 * Idempotency-Key in one transaction (so a crash never keeps one without the
 * other), while the handlers keep their own begin/commit around multi-row work.
 */
gboolean
vz_db_begin (VzDb     *self,
             GError  **error)
{
  g_autoptr(VzStmt) stmt = vz_db_prepare (self, self->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT vz_nested",
                                          error);

  if (stmt == NULL || !vz_db_step_done (self, stmt, error))
    return FALSE;
  self->depth++;
  return TRUE;
}

gboolean
vz_db_commit (VzDb     *self,
              GError  **error)
{
  g_autoptr(VzStmt) stmt = vz_db_prepare (self, self->depth > 1 ? "RELEASE vz_nested" : "COMMIT", error);

  /* A failed COMMIT leaves the transaction open for the caller's rollback. */
  if (stmt == NULL || !vz_db_step_done (self, stmt, error))
    return FALSE;
  if (self->depth > 0)
    self->depth--;
  return TRUE;
}

void
vz_db_rollback (VzDb *self)
{
  g_return_if_fail (VZ_IS_DB (self));

  if (self->handle == NULL)
    return;
  if (self->depth > 1)
    {
      sqlite3_exec (self->handle, "ROLLBACK TO vz_nested; RELEASE vz_nested", NULL, NULL, NULL);
      self->depth--;
      return;
    }
  self->depth = 0;
  if (!sqlite3_get_autocommit (self->handle))
    sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL);
}

gint64
vz_db_changes (VzDb *self)
{
  g_return_val_if_fail (VZ_IS_DB (self), 0);
  return self->handle != NULL ? sqlite3_changes64 (self->handle) : 0;
}

void
vz_db_close (VzDb *self)
{
  g_return_if_fail (VZ_IS_DB (self));

  /* Statements must go before the handle, or sqlite3_close refuses. */
  g_hash_table_remove_all (self->statements);
  if (self->handle != NULL)
    {
      /* Fold the WAL back so the file is self-contained after a clean stop. */
      sqlite3_exec (self->handle, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
      sqlite3_close (self->handle);
      self->handle = NULL;
    }
}

const char *
vz_stmt_text (VzStmt *stmt,
              int     column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

gboolean
vz_stmt_is_null (VzStmt *stmt,
                 int     column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL;
}

void
vz_stmt_bind_number (VzStmt *stmt,
                     int     index,
                     double  value)
{
  if (isnan (value))
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_double (stmt, index, value);
}

void
vz_stmt_bind_text_or_null (VzStmt     *stmt,
                           int         index,
                           const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}
