/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/*
 * Our own changes come back twice: as the answer to the request, and, from
 * a server that announces changes (the local server's playlist:updated),
 * as an event carrying the same record. A playlist of thousands of items is
 * costly to apply, so the engine remembers the last server record it showed
 * for each record (a digest of its JSON), and an event carrying exactly
 * that record is not applied again. The event usually arrives before the
 * answer: events about a record whose change is on its way wait for the
 * answer (at most HOLD_MS), then go through the same check. A colleague's
 * change is never the same record (its order, its version differ) and
 * applies as before, with what is queued here on top.
 *
 * For kinds whose edits read the record first (a reorder names every
 * item), the last server record is also kept whole: while the realtime link
 * that announced the kind's changes stays up, nothing has changed it since
 * without the engine hearing of it, and it serves instead of reading the
 * record again before the next change goes.
 */

#include <string.h>

#include "vz-json-private.h"
#include "vz-sync-engine-private.h"

/* How long events wait for the answer to our change of their record. */
#define HOLD_MS 2000

typedef struct {
  guint64     digest;
  gboolean    has_digest;
  JsonObject *record;   /* nullable: kept for kinds that read first (their
                         * digest is taken when an event asks) */
  guint       link;     /* the realtime link it was seen under */
} Seen;

typedef struct {
  VzKind                *kind;
  const VzResourceEvent *event;
  JsonNode              *payload;
  char                  *id;
} HeldEcho;

static void
seen_free (Seen *seen)
{
  g_clear_pointer (&seen->record, json_object_unref);
  g_free (seen);
}

static void
held_echo_free (HeldEcho *held)
{
  json_node_unref (held->payload);
  g_free (held->id);
  g_free (held);
}

/* ------------------------------------------------------------------------ */
/* Digests                                                                  */

#define SEED   0xcbf29ce484222325ULL
#define PRIME  0x9e3779b97f4a7c15ULL

/* One 64-bit value into the digest: a multiply and a shift, so that every
 * bit of @v reaches every bit of the result. */
static guint64
mix (guint64 h,
     guint64 v)
{
  h = (h ^ v) * PRIME;
  return h ^ (h >> 32);
}

/* Eight bytes at a time (ids are 36 characters), with the length last. */
static guint64
digest_string (guint64     h,
               const char *s)
{
  gsize len = strlen (s);
  gsize left = len;
  guint64 word;

  for (; left >= sizeof word; s += sizeof word, left -= sizeof word)
    {
      memcpy (&word, s, sizeof word);
      h = mix (h, word);
    }
  word = 0;
  memcpy (&word, s, left);
  return mix (mix (h, word), len);
}

/* Members in any order (a record's JSON has no order of members); items
 * of arrays in theirs. */
static guint64
digest_node (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *member;
        JsonNode *value;
        guint64 sum = 1;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &member, &value))
          sum += mix (digest_string (SEED, member), digest_node (value));
        return mix (SEED ^ 'o', sum);
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint64 h = SEED ^ 'a';

        for (guint i = 0; i < json_array_get_length (array); i++)
          h = mix (h, digest_node (json_array_get_element (array, i)));
        return h;
      }
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return digest_string (SEED ^ 's', json_node_get_string (node));
        case G_TYPE_INT64:
          return mix (SEED ^ 'i', (guint64) json_node_get_int (node));
        case G_TYPE_DOUBLE:
          {
            double d = json_node_get_double (node);
            guint64 bits;

            memcpy (&bits, &d, sizeof bits);
            return mix (SEED ^ 'd', bits);
          }
        case G_TYPE_BOOLEAN:
          return mix (SEED ^ 'b', json_node_get_boolean (node));
        default:
          return SEED ^ 'v';
        }
    case JSON_NODE_NULL:
    default:
      return SEED ^ 'n';
    }
}

static guint64
digest_record (JsonObject *record)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), record);

  return digest_node (node);
}

/* ------------------------------------------------------------------------ */
/* The records seen                                                         */

static gboolean
kind_tracked (VzKind *kind)
{
  const VzResourceEvent *events = kind->resource->events;

  for (guint i = 0; events != NULL && events[i].name != NULL; i++)
    if (events[i].read != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
kind_reads_first (VzKind *kind)
{
  const VzResourceEdit *edits = kind->resource->edits;

  for (guint i = 0; edits != NULL && edits[i].name != NULL; i++)
    if (edits[i].read_first)
      return TRUE;
  return FALSE;
}

void
_vz_sync_engine_echoes_init_kind (VzKind *kind)
{
  kind->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) seen_free);
}

void
_vz_sync_engine_saw_record (VzSyncEngine *self,
                            VzKind       *kind,
                            JsonObject   *record)
{
  const char *id = _vz_json_string (record, "id");
  Seen *seen;

  if (id == NULL || !kind_tracked (kind))
    return;
  seen = g_new0 (Seen, 1);
  seen->link = self->link;
  if (kind_reads_first (kind))
    seen->record = json_object_ref (record);
  else
    {
      seen->digest = digest_record (record);
      seen->has_digest = TRUE;
    }
  g_hash_table_replace (kind->seen, g_strdup (id), seen);
}

static void drop_held (VzSyncEngine *self, VzKind *kind);

void
_vz_sync_engine_forget_seen (VzSyncEngine *self,
                             VzKind       *kind)
{
  /* Events held since are older than the list that replaces them. */
  drop_held (self, kind);
  if (kind != NULL)
    {
      g_hash_table_remove_all (kind->seen);
      return;
    }
  for (guint i = 0; i < self->kinds->len; i++)
    g_hash_table_remove_all (((VzKind *) g_ptr_array_index (self->kinds, i))->seen);
}

gboolean
_vz_sync_engine_is_shown_record (VzSyncEngine *self,
                                 VzKind       *kind,
                                 JsonObject   *record)
{
  const char *id = _vz_json_string (record, "id");
  Seen *seen = id != NULL ? g_hash_table_lookup (kind->seen, id) : NULL;

  if (seen == NULL || vz_store_lookup (kind->store, id) == NULL)
    return FALSE;
  /* Another version is another record; the same version may still differ
   * (a playlist's content renamed leaves the playlist's own as it was). */
  if (seen->record != NULL &&
      g_strcmp0 (_vz_json_string (seen->record, "updatedAt"), _vz_json_string (record, "updatedAt")) != 0)
    return FALSE;
  if (!seen->has_digest)
    {
      seen->digest = digest_record (seen->record);
      seen->has_digest = TRUE;
    }
  if (seen->digest != digest_record (record))
    return FALSE;
  self->echoes_skipped++;
  g_debug ("A %s event carried the record %s as it shows already (our own change's echo)", kind->resource->name, id);
  return TRUE;
}

void
_vz_sync_engine_announced (VzSyncEngine *self,
                           VzKind       *kind)
{
  kind->announced_link = self->link;
}

void
_vz_sync_engine_link_changed (VzSyncEngine *self,
                              gboolean      connected)
{
  if (connected == self->link_up)
    return;
  self->link_up = connected;
  /* What a link that went down did not hear of may have changed anything. */
  if (connected)
    self->link++;
  else
    _vz_sync_engine_forget_seen (self, NULL);
}

JsonObject *
_vz_sync_engine_kept_record (VzSyncEngine *self,
                             VzKind       *kind,
                             const char   *id)
{
  Seen *seen = g_hash_table_lookup (kind->seen, id);

  if (seen == NULL || seen->record == NULL || self->link == 0 || seen->link != self->link ||
      kind->announced_link != self->link ||
      vz_realtime_client_get_state (self->realtime) != VZ_REALTIME_STATE_CONNECTED)
    return NULL;
  return seen->record;
}

/* ------------------------------------------------------------------------ */
/* Events waiting for our answer                                            */

static void release (VzSyncEngine *self, const char *id);

static gboolean
on_hold_over (gpointer user_data)
{
  VzSyncEngine *self = user_data;

  self->echo_hold_id = 0;
  g_debug ("No answer within %d ms: the events held for it apply", HOLD_MS);
  g_hash_table_remove_all (self->awaiting);
  release (self, NULL);
  return G_SOURCE_REMOVE;
}

void
_vz_sync_engine_await_answer (VzSyncEngine *self,
                              VzKind       *kind,
                              VzMutation   *m)
{
  const char *id = vz_mutation_get_entity_id (m);

  if (id == NULL || !kind_tracked (kind))
    return;
  g_hash_table_replace (self->awaiting, g_strdup (vz_mutation_get_id (m)), g_strdup (id));
}

static gboolean
is_awaited (VzSyncEngine *self,
            const char   *id)
{
  GHashTableIter iter;
  const char *record_id;

  g_hash_table_iter_init (&iter, self->awaiting);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &record_id))
    if (strcmp (record_id, id) == 0)
      return TRUE;
  return FALSE;
}

gboolean
_vz_sync_engine_hold_event (VzSyncEngine          *self,
                            VzKind                *kind,
                            const VzResourceEvent *event,
                            JsonNode              *payload,
                            const char            *id)
{
  HeldEcho *held;

  if (id == NULL || g_hash_table_size (self->awaiting) == 0 || !is_awaited (self, id))
    return FALSE;
  held = g_new0 (HeldEcho, 1);
  held->kind = kind;
  held->event = event;
  held->payload = json_node_ref (payload);
  held->id = g_strdup (id);
  g_queue_push_tail (&self->echo_held, held);
  if (self->echo_hold_id == 0)
    self->echo_hold_id = g_timeout_add (HOLD_MS, on_hold_over, self);
  return TRUE;
}

/* Takes the events held for @kind (NULL: any) and @id (NULL: any) out of
 * the queue, in the order they came. */
static GPtrArray *
take_held (VzSyncEngine *self,
           VzKind       *kind,
           const char   *id)
{
  GPtrArray *taken = g_ptr_array_new_with_free_func ((GDestroyNotify) held_echo_free);
  GList *l = self->echo_held.head;

  while (l != NULL)
    {
      GList *next = l->next;
      HeldEcho *held = l->data;

      if ((kind == NULL || held->kind == kind) && (id == NULL || strcmp (held->id, id) == 0))
        {
          g_ptr_array_add (taken, held);
          g_queue_delete_link (&self->echo_held, l);
        }
      l = next;
    }
  if (self->echo_held.length == 0)
    g_clear_handle_id (&self->echo_hold_id, g_source_remove);
  return taken;
}

static void
drop_held (VzSyncEngine *self,
           VzKind       *kind)
{
  g_ptr_array_unref (take_held (self, kind, NULL));
}

/* The events held for @id (NULL: all) apply, in the order they came; while
 * a read is out, which began after they came, they are dropped: the lists
 * it brings are newer. */
static void
release (VzSyncEngine *self,
         const char   *id)
{
  g_autoptr(GPtrArray) ready = take_held (self, NULL, id);

  if (self->reading)
    return;
  for (guint i = 0; i < ready->len; i++)
    {
      HeldEcho *held = g_ptr_array_index (ready, i);

      _vz_sync_engine_apply_record_event (self, held->kind, held->event, held->payload);
    }
}

void
_vz_sync_engine_answer_came (VzSyncEngine *self,
                             VzMutation   *m)
{
  g_autofree char *key = NULL;
  g_autofree char *id = NULL;

  if (!g_hash_table_steal_extended (self->awaiting, vz_mutation_get_id (m), (gpointer *) &key, (gpointer *) &id))
    return;
  if (!is_awaited (self, id))
    release (self, id);
}

void
_vz_sync_engine_echoes_clear (VzSyncEngine *self)
{
  g_clear_handle_id (&self->echo_hold_id, g_source_remove);
  g_queue_clear_full (&self->echo_held, (GDestroyNotify) held_echo_free);
  if (self->awaiting != NULL)
    g_hash_table_remove_all (self->awaiting);
}

guint
_vz_sync_engine_get_echoes_skipped (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), 0);

  return self->echoes_skipped;
}
