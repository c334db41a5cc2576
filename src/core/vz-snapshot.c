/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-snapshot"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vz-entity-private.h"
#include "vz-json-private.h"
#include "vz-memory.h"
#include "vz-outbox.h"
#include "vz-snapshot.h"
#include "vz-wire-json.h"

G_DEFINE_QUARK (vz-snapshot-error-quark, vz_snapshot_error)

#define SNAPSHOT_FORMAT   "vizora-snapshot"
#define SNAPSHOT_VERSION  1
#define DEFAULT_INTERVAL  30

struct _VzSnapshot
{
  GObject    parent_instance;

  char      *path;
  GPtrArray *sections;      /* Section*, in the order they were added */
  guint      interval;
  GDateTime *saved_at;
  gboolean   dirty;
  gboolean   paused;

  gint64     last_save;     /* monotonic µs of the last save started, 0 never */
  guint      save_source;   /* the throttle's timer */
  gboolean   saving;        /* a write is under way; changes meanwhile stay dirty */
  GPtrArray *waiters;       /* flush tasks for the next write (one write at a time,
                               so an older document never lands over a newer one) */
};

enum {
  PROP_0,
  PROP_PATH,
  PROP_INTERVAL,
  PROP_SAVED_AT,
  PROP_DIRTY,
  PROP_PAUSED,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VzSnapshot, vz_snapshot, G_TYPE_OBJECT)

/* One kind of record: its list's member in the document, and its store. */
typedef struct {
  char    *member;
  VzStore *store;
} Section;

static void
section_free (Section *section)
{
  g_free (section->member);
  g_object_unref (section->store);
  g_free (section);
}

static void start_save (VzSnapshot *self);

/* ------------------------------------------------------------------------ */
/* Paths                                                                    */

char *
vz_snapshot_path_beside (const char *outbox_path)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (outbox_path != NULL, NULL);

  dir = g_path_get_dirname (outbox_path);
  return g_build_filename (dir, "snapshot.json", NULL);
}

char *
vz_snapshot_path_for_account (const char *account_id)
{
  g_autofree char *outbox = NULL;

  g_return_val_if_fail (account_id != NULL, NULL);

  /* One folder per account, named exactly as the outbox's. */
  outbox = vz_outbox_path_for_account (account_id);
  return vz_snapshot_path_beside (outbox);
}

/* ------------------------------------------------------------------------ */
/* Stores → JSON (owning thread: entities are not thread-safe)              */

/*
 * The text is written straight into one GString (VzEntityClass.to_json)
 * instead of through a JsonBuilder node tree: at 10,000 screens that keeps
 * the main thread's share of a save to a few tens of milliseconds
 * (docs/bench-replay.md).
 */

static GString *
build_document (VzSnapshot *self,
                GDateTime  *taken)
{
  g_autofree char *taken_text = g_date_time_format_iso8601 (taken);
  guint n_records = 0;
  GString *out;

  for (guint i = 0; i < self->sections->len; i++)
    n_records += g_list_model_get_n_items (G_LIST_MODEL (((Section *) g_ptr_array_index (self->sections, i))->store));
  out = g_string_sized_new (256 + (gsize) n_records * 640);

  g_string_append_printf (out, "{\"format\":\"%s\",\"version\":%d,\"savedAt\":",
                          SNAPSHOT_FORMAT, SNAPSHOT_VERSION);
  _vz_json_put_string (out, taken_text);

  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (section->store));

      g_string_append_printf (out, ",\n\"%s\":[", section->member);
      for (guint j = 0; j < n; j++)
        {
          g_autoptr(VzEntity) record = g_list_model_get_item (G_LIST_MODEL (section->store), j);

          if (j > 0)
            g_string_append (out, ",\n");
          vz_entity_to_json (record, out);
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "}\n");
  return out;
}

/* ------------------------------------------------------------------------ */
/* Writing (worker thread)                                                  */

typedef struct {
  char      *path;
  GString   *document;
  GDateTime *taken;
  GPtrArray *waiters;   /* GTask*: flushes this write answers */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->path);
  g_clear_pointer (&data->waiters, g_ptr_array_unref);
  if (data->document != NULL)
    g_string_free (data->document, TRUE);
  g_clear_pointer (&data->taken, g_date_time_unref);
  g_free (data);
}

static gboolean
write_document (const char  *path,
                GString     *document,
                GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO,
                   _("The fleet could not be saved for offline use: the folder %s could not be created (%s)."),
                   dir, g_strerror (saved));
      return FALSE;
    }

  /* CONSISTENT + DURABLE: written to a temporary file, fsync()ed, renamed
   * over the old one (and the folder synced): never half a snapshot. */
  if (!g_file_set_contents_full (path, document->str, (gssize) document->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO,
                   _("The fleet could not be saved for offline use: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  GError *error = NULL;

  gboolean written = write_document (data->path, data->document, &error);

  /* The text of a large fleet is tens of megabytes, wanted no longer. */
  g_string_free (g_steal_pointer (&data->document), TRUE);
  vz_memory_trim ();
  if (written)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
set_saved_at (VzSnapshot *self,
              GDateTime  *taken)
{
  if (self->saved_at == taken ||
      (self->saved_at != NULL && taken != NULL && g_date_time_equal (self->saved_at, taken)))
    return;
  g_clear_pointer (&self->saved_at, g_date_time_unref);
  self->saved_at = taken != NULL ? g_date_time_ref (taken) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVED_AT]);
}

static void
set_dirty (VzSnapshot *self,
           gboolean    dirty)
{
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

static void schedule (VzSnapshot *self);

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  VzSnapshot *self = VZ_SNAPSHOT (source);
  g_autoptr(GError) error = NULL;
  SaveData *data = g_task_get_task_data (G_TASK (result));

  self->saving = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    set_saved_at (self, data->taken);
  else
    {
      /* The app works without a snapshot; the next change tries again. */
      g_message ("%s", error->message);
      set_dirty (self, TRUE);
    }
  g_signal_emit (self, signals[SAVED], 0, error);

  for (guint i = 0; i < data->waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (data->waiters, i);

      if (error != NULL)
        g_task_return_error (waiter, g_error_copy (error));
      else
        g_task_return_boolean (waiter, TRUE);
    }

  /* A flush asked for during the write gets a write of its own, now;
   * other changes that came in meanwhile wait for the interval. */
  if (self->waiters->len > 0)
    start_save (self);
  else if (self->dirty)
    schedule (self);
}

static void
start_save (VzSnapshot *self)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data = g_new0 (SaveData, 1);

  g_assert (!self->saving);

  data->path = g_strdup (self->path);
  data->taken = g_date_time_new_now_utc ();
  data->document = build_document (self, data->taken);
  data->waiters = g_steal_pointer (&self->waiters);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->saving = TRUE;
  self->last_save = g_get_monotonic_time ();
  set_dirty (self, FALSE);

  task = g_task_new (self, NULL, on_saved, NULL);
  g_task_set_source_tag (task, start_save);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

static gboolean
on_save_timeout (gpointer user_data)
{
  VzSnapshot *self = user_data;

  self->save_source = 0;
  if (self->saving)
    return G_SOURCE_REMOVE;   /* on_saved() re-arms while dirty */
  if (self->dirty)
    start_save (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (VzSnapshot *self)
{
  gint64 now, due;

  if (self->save_source != 0 || self->saving || self->paused)
    return;
  now = g_get_monotonic_time ();
  due = self->last_save == 0 ? now : self->last_save + (gint64) self->interval * G_USEC_PER_SEC;
  self->save_source = g_timeout_add (due > now ? (guint) ((due - now) / 1000) : 0, on_save_timeout, self);
  g_source_set_name_by_id (self->save_source, "[vizora] snapshot save");
}

void
vz_snapshot_mark_dirty (VzSnapshot *self)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));

  set_dirty (self, TRUE);
  schedule (self);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  vz_snapshot_mark_dirty (VZ_SNAPSHOT (user_data));
}

void
vz_snapshot_flush_async (VzSnapshot          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VZ_IS_SNAPSHOT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_snapshot_flush_async);

  /* Nothing new (an engine stopped before any read must not replace the
   * last good fleet with an empty one), or the stores show saved data. */
  if ((!self->dirty || self->paused) && !self->saving)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* A write under way may have missed the latest changes: this flush waits
   * for a write of its own, started when that one is done. */
  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
  if (!self->saving)
    start_save (self);
}

gboolean
vz_snapshot_flush_finish (VzSnapshot    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
vz_snapshot_save (VzSnapshot  *self,
                  GError     **error)
{
  g_autoptr(GDateTime) taken = NULL;
  GString *document;
  gboolean ok;

  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), FALSE);
  g_return_val_if_fail (!self->saving, FALSE);

  taken = g_date_time_new_now_utc ();
  document = build_document (self, taken);
  ok = write_document (self->path, document, error);
  g_string_free (document, TRUE);
  if (!ok)
    return FALSE;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->last_save = g_get_monotonic_time ();
  set_dirty (self, FALSE);
  set_saved_at (self, taken);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */

typedef struct {
  GStrv       members;   /* the sections to read */
  GType      *types;     /* their stores' entity types */
  GHashTable *lists;     /* member → GPtrArray of JsonObject* */
  GHashTable *decoded;   /* JsonObject* → the VzEntity it decodes to */
  GDateTime  *taken;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_pointer (&data->members, g_strfreev);
  g_clear_pointer (&data->types, g_free);
  g_clear_pointer (&data->lists, g_hash_table_unref);
  g_clear_pointer (&data->decoded, g_hash_table_unref);
  g_clear_pointer (&data->taken, g_date_time_unref);
  g_free (data);
}

static gboolean
corrupt (GError    **error,
         const char *path,
         const char *why)
{
  g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_CORRUPT,
               _("The saved fleet in %s cannot be used: %s"), path, why);
  return FALSE;
}

/* A kind the saved fleet has no list for (one added since) reads as
 * empty; a list that is not an array is damage. */
static gboolean
collect_objects (JsonObject  *root,
                 const char  *member,
                 GPtrArray  **out)
{
  JsonNode *node = json_object_get_member (root, member);
  JsonArray *array;
  guint n;

  if (node == NULL)
    {
      *out = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  *out = g_ptr_array_new_full (n, (GDestroyNotify) json_object_unref);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      /* Anything but an object is skipped here; the store's decoder
       * judges the objects themselves. */
      if (JSON_NODE_HOLDS_OBJECT (element))
        g_ptr_array_add (*out, json_object_ref (json_node_get_object (element)));
    }
  return TRUE;
}

/*
 * Each record decoded into a new entity of its store's type, here in the
 * reading thread: a new entity is nobody else's until it is handed over, and
 * the main thread then only puts it in its store (vz_store_replace_all_decoded).
 * A record that does not decode is left to the store, which decodes it again
 * and reports why.
 */
static GHashTable *
decode_lists (GHashTable         *lists,
              const char * const *members,
              const GType        *types)
{
  GHashTable *decoded = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                               (GDestroyNotify) json_object_unref, g_object_unref);

  for (guint i = 0; members[i] != NULL; i++)
    {
      GPtrArray *list = g_hash_table_lookup (lists, members[i]);

      for (guint j = 0; list != NULL && j < list->len; j++)
        {
          JsonObject *obj = g_ptr_array_index (list, j);
          VzEntity *entity;

          if (g_hash_table_contains (decoded, obj))
            continue;
          entity = vz_entity_new_from_json (types[i], obj, NULL);
          if (entity != NULL)
            g_hash_table_insert (decoded, json_object_ref (obj), entity);
        }
    }
  return decoded;
}

static LoadData *
read_document (const char         *path,
               const char * const *members,
               const GType        *types,
               GError            **error)
{
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  LoadData *data;
  JsonObject *root;
  JsonNode *version;
  const char *format;
  const char *saved_at;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_NONE_SAVED,
                     _("No fleet was saved for offline use yet."));
      else
        g_set_error (error, VZ_SNAPSHOT_ERROR, VZ_SNAPSHOT_ERROR_IO,
                     _("The saved fleet could not be read: %s"), local_error->message);
      return NULL;
    }

  /* The wire's reader, as for a server read: JsonParser turns a lone
   * surrogate escape into invalid UTF-8 (which then cannot be saved back). */
  document = vz_wire_json_parse (contents, length, NULL);
  if (document == NULL)
    {
      corrupt (error, path, _("it is not valid JSON (the file is damaged)."));
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (document))
    {
      corrupt (error, path, _("it is not a saved fleet."));
      return NULL;
    }
  root = json_node_get_object (document);
  format = _vz_json_string (root, "format");
  version = json_object_get_member (root, "version");
  if (g_strcmp0 (format, SNAPSHOT_FORMAT) != 0 || version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64)
    {
      corrupt (error, path, _("it is not a saved fleet."));
      return NULL;
    }
  if (json_node_get_int (version) != SNAPSHOT_VERSION)
    {
      corrupt (error, path, _("it was saved by another version of Vizora."));
      return NULL;
    }

  data = g_new0 (LoadData, 1);
  data->lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  saved_at = _vz_json_string (root, "savedAt");
  data->taken = saved_at != NULL ? g_date_time_new_from_iso8601 (saved_at, utc) : NULL;
  if (data->taken == NULL)
    {
      load_data_free (data);
      corrupt (error, path, _("parts of it are missing."));
      return NULL;
    }
  for (guint i = 0; members[i] != NULL; i++)
    {
      GPtrArray *list = NULL;

      if (!collect_objects (root, members[i], &list))
        {
          load_data_free (data);
          corrupt (error, path, _("parts of it are missing."));
          return NULL;
        }
      g_hash_table_insert (data->lists, g_strdup (members[i]), list);
    }
  data->decoded = decode_lists (data->lists, members, types);
  return data;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *request = task_data;
  GError *error = NULL;
  LoadData *data = read_document (g_object_get_data (G_OBJECT (task), "path"),
                                  (const char * const *) request->members, request->types, &error);

  if (data == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, data, (GDestroyNotify) load_data_free);
}

static GDateTime *
apply (VzSnapshot *self,
       LoadData   *data)
{
  /* In the order the sections were added (linked kinds first). Entries
   * that do not decode are skipped; the rest of the fleet is still worth
   * seeing. */
  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);
      GPtrArray *list = g_hash_table_lookup (data->lists, section->member);
      g_autoptr(GError) decode_error = NULL;

      if (list != NULL && !vz_store_replace_all_decoded (section->store, list, data->decoded, &decode_error))
        g_message ("Some saved records (%s) were skipped: %s", section->member, decode_error->message);
    }

  /* What is on disk is what is in the stores now: nothing to save. */
  g_clear_handle_id (&self->save_source, g_source_remove);
  set_dirty (self, FALSE);
  set_saved_at (self, data->taken);
  return g_date_time_ref (data->taken);
}

/* Takes @data, NULL when the file could not be read (the error is set). */
static GDateTime *
apply_and_free (VzSnapshot *self,
                LoadData   *data)
{
  GDateTime *taken;

  if (data == NULL)
    return NULL;
  taken = apply (self, data);
  load_data_free (data);
  return taken;
}

/* What the reading thread needs of the sections: their members and their
 * stores' entity types (copied: the sections stay with the main thread). */
static void
section_members (VzSnapshot  *self,
                 GStrv       *members,
                 GType      **types)
{
  *members = g_new0 (char *, self->sections->len + 1);
  *types = g_new0 (GType, self->sections->len + 1);
  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);

      (*members)[i] = g_strdup (section->member);
      (*types)[i] = vz_store_get_entity_type (section->store);
    }
}

/* Loading into the stores and reading for a caller parse the file the same
 * way, off the main loop; they differ in what their finish does. */
static void
read_in_thread (VzSnapshot          *self,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  LoadData *request = g_new0 (LoadData, 1);

  section_members (self, &request->members, &request->types);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request, (GDestroyNotify) load_data_free);
  g_object_set_data_full (G_OBJECT (task), "path", g_strdup (self->path), g_free);
  g_task_run_in_thread (task, load_thread);
}

void
vz_snapshot_load_async (VzSnapshot          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));

  read_in_thread (self, vz_snapshot_load_async, cancellable, callback, user_data);
}

GDateTime *
vz_snapshot_load_finish (VzSnapshot    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return apply_and_free (self, g_task_propagate_pointer (G_TASK (result), error));
}

GDateTime *
vz_snapshot_load (VzSnapshot  *self,
                  GError     **error)
{
  g_auto(GStrv) members = NULL;
  g_autofree GType *types = NULL;

  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), NULL);

  section_members (self, &members, &types);
  return apply_and_free (self, read_document (self->path, (const char * const *) members, types, error));
}

static void
drop_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GHashTable **tables = task_data;

  g_clear_pointer (&tables[0], g_hash_table_unref);
  g_clear_pointer (&tables[1], g_hash_table_unref);
  /* The parsed snapshot was most of the heap a moment ago. */
  vz_memory_trim ();
  g_task_return_boolean (task, TRUE);
}

void
vz_snapshot_drop_read (GHashTable *lists,
                       GHashTable *decoded)
{
  g_autoptr(GTask) task = NULL;
  GHashTable **tables;

  if (lists == NULL && decoded == NULL)
    return;
  /* Freed where nothing else runs: the tables hold the only references to
   * their objects (the stores took the entities they use). */
  tables = g_new0 (GHashTable *, 2);
  tables[0] = lists;
  tables[1] = decoded;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, vz_snapshot_drop_read);
  g_task_set_task_data (task, tables, g_free);
  g_task_run_in_thread (task, drop_thread);
}

/* ------------------------------------------------------------------------ */
/* Age                                                                      */

char *
vz_snapshot_describe_age (GDateTime *taken,
                          GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) current = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *ago = NULL;
  GTimeSpan span;
  gint64 minutes, hours, days;

  g_return_val_if_fail (taken != NULL, NULL);

  current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_local ();
  local = g_date_time_to_local (taken);
  span = g_date_time_difference (current, taken);
  minutes = MAX (span, 0) / G_TIME_SPAN_MINUTE;
  hours = minutes / 60;
  days = hours / 24;

  if (minutes < 1)
    ago = g_strdup (_("just now"));
  else if (minutes < 60)
    ago = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d minute ago", "%'d minutes ago", minutes),
                           (int) minutes);
  else if (hours < 24)
    ago = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d hour ago", "%'d hours ago", hours), (int) hours);
  else
    ago = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d day ago", "%'d days ago", days), (int) days);

  /* Older than a day: the time alone would mislead, so name the day. */
  clock = g_date_time_format (local, days >= 1 ? "%-d %b %H:%M" : "%H:%M");
  g_strstrip (clock);
  /* Translators: the first %s is a time such as 10:42, the second how long ago, e.g. "2 hours ago" */
  return g_strdup_printf (_("Showing the fleet as of %s (%s)"), clock, ago);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
vz_snapshot_dispose (GObject *object)
{
  VzSnapshot *self = VZ_SNAPSHOT (object);

  g_clear_handle_id (&self->save_source, g_source_remove);
  for (guint i = 0; self->sections != NULL && i < self->sections->len; i++)
    g_signal_handlers_disconnect_by_data (((Section *) g_ptr_array_index (self->sections, i))->store, self);
  g_clear_pointer (&self->sections, g_ptr_array_unref);

  G_OBJECT_CLASS (vz_snapshot_parent_class)->dispose (object);
}

static void
vz_snapshot_finalize (GObject *object)
{
  VzSnapshot *self = VZ_SNAPSHOT (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->saved_at, g_date_time_unref);
  g_clear_pointer (&self->waiters, g_ptr_array_unref);

  G_OBJECT_CLASS (vz_snapshot_parent_class)->finalize (object);
}

static void
vz_snapshot_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VzSnapshot *self = VZ_SNAPSHOT (object);

  switch (prop_id)
    {
    case PROP_PATH:     g_value_set_string (value, self->path); break;
    case PROP_INTERVAL: g_value_set_uint (value, self->interval); break;
    case PROP_SAVED_AT: g_value_set_boxed (value, self->saved_at); break;
    case PROP_DIRTY:    g_value_set_boolean (value, self->dirty); break;
    case PROP_PAUSED:   g_value_set_boolean (value, self->paused); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_snapshot_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VzSnapshot *self = VZ_SNAPSHOT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_INTERVAL:
      vz_snapshot_set_interval (self, g_value_get_uint (value));
      break;
    case PROP_PAUSED:
      vz_snapshot_set_paused (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_snapshot_class_init (VzSnapshotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = vz_snapshot_dispose;
  object_class->finalize = vz_snapshot_finalize;
  object_class->get_property = vz_snapshot_get_property;
  object_class->set_property = vz_snapshot_set_property;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, construct);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 1, 24 * 3600, DEFAULT_INTERVAL,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SAVED_AT] = g_param_spec_boxed ("saved-at", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_DIRTY] = g_param_spec_boolean ("dirty", NULL, NULL, FALSE, ro);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
vz_snapshot_init (VzSnapshot *self)
{
  self->interval = DEFAULT_INTERVAL;
  self->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_free);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

VzSnapshot *
vz_snapshot_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (VZ_TYPE_SNAPSHOT, "path", path, NULL);
}

void
vz_snapshot_add_store (VzSnapshot *self,
                       const char *member,
                       VzStore    *store)
{
  Section *section;

  g_return_if_fail (VZ_IS_SNAPSHOT (self));
  g_return_if_fail (member != NULL);
  g_return_if_fail (VZ_IS_STORE (store));
  g_return_if_fail (vz_snapshot_get_store (self, member) == NULL);

  section = g_new0 (Section, 1);
  section->member = g_strdup (member);
  section->store = g_object_ref (store);
  g_ptr_array_add (self->sections, section);
  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), self);
}

VzStore *
vz_snapshot_get_store (VzSnapshot *self,
                       const char *member)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), NULL);
  g_return_val_if_fail (member != NULL, NULL);

  for (guint i = 0; i < self->sections->len; i++)
    {
      Section *section = g_ptr_array_index (self->sections, i);

      if (g_str_equal (section->member, member))
        return section->store;
    }
  return NULL;
}

const char *
vz_snapshot_get_path (VzSnapshot *self)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), NULL);
  return self->path;
}

GDateTime *
vz_snapshot_get_saved_at (VzSnapshot *self)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), NULL);
  return self->saved_at;
}

gboolean
vz_snapshot_get_dirty (VzSnapshot *self)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), FALSE);
  return self->dirty;
}

guint
vz_snapshot_get_interval (VzSnapshot *self)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), 0);
  return self->interval;
}

void
vz_snapshot_set_interval (VzSnapshot *self,
                          guint       seconds)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));
  g_return_if_fail (seconds >= 1);

  if (self->interval == seconds)
    return;
  self->interval = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

gboolean
vz_snapshot_get_paused (VzSnapshot *self)
{
  g_return_val_if_fail (VZ_IS_SNAPSHOT (self), FALSE);
  return self->paused;
}

void
vz_snapshot_set_paused (VzSnapshot *self,
                        gboolean    paused)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  if (paused)
    g_clear_handle_id (&self->save_source, g_source_remove);
  else if (self->dirty)
    schedule (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

void
vz_snapshot_read_async (VzSnapshot          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (VZ_IS_SNAPSHOT (self));

  read_in_thread (self, vz_snapshot_read_async, cancellable, callback, user_data);
}

GDateTime *
vz_snapshot_read_finish (VzSnapshot    *self,
                         GAsyncResult  *result,
                         GHashTable   **lists,
                         GHashTable   **decoded,
                         GError       **error)
{
  LoadData *data;
  GDateTime *taken;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_snapshot_read_async), NULL);
  g_return_val_if_fail (lists != NULL, NULL);

  data = g_task_propagate_pointer (G_TASK (result), error);
  if (data == NULL)
    return NULL;
  *lists = g_steal_pointer (&data->lists);
  if (decoded != NULL)
    *decoded = g_steal_pointer (&data->decoded);
  taken = g_date_time_ref (data->taken);
  set_saved_at (self, taken);
  load_data_free (data);
  return taken;
}
