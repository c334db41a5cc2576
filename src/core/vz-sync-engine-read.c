/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* The sync engine's reading: every kind's list, and live events held while
 * a read is out. */

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vz-json-private.h"
#include "vz-memory.h"
#include "vz-sync-engine-private.h"

/* Events held during a read beyond this are dropped for one more read: the
 * read is fresher than the events, and memory must stay bounded. */
#define MAX_HELD_EVENTS   50000
/* Events about records we do not know yet (a screen paired elsewhere a
 * moment ago) usually come in bursts: one re-read for the lot. */
#define UNKNOWN_REREAD_MS 500

#define properties _vz_sync_engine_properties
#define signals _vz_sync_engine_signals

typedef struct {
  char     *name;
  JsonNode *payload;
} HeldEvent;

static void
held_event_free (HeldEvent *event)
{
  g_free (event->name);
  json_node_unref (event->payload);
  g_free (event);
}

void
_vz_sync_engine_clear_held (VzSyncEngine *self)
{
  g_queue_clear_full (&self->held, (GDestroyNotify) held_event_free);
}

/* ------------------------------------------------------------------------ */
/* Live events                                                              */

static gboolean
on_unknown_reread (gpointer user_data)
{
  VzSyncEngine *self = user_data;

  self->unknown_id = 0;
  _vz_sync_engine_start_read (self);
  return G_SOURCE_REMOVE;
}

/* An event that carries a record applies like a read of it: with what is
 * still queued here on top. Our own change's echo is not applied again. */
void
_vz_sync_engine_apply_record_event (VzSyncEngine          *self,
                                    VzKind                *kind,
                                    const VzResourceEvent *event,
                                    JsonNode              *payload)
{
  JsonObject *record = NULL;
  const char *id = NULL;
  VzResourceEventAction action = event->read (payload, &record, &id);

  if (action == VZ_RECORD_EVENT_IGNORE)
    return;
  _vz_sync_engine_announced (self, kind);
  if (_vz_sync_engine_hold_event (self, kind, event, payload, id))
    return;
  switch (action)
    {
    case VZ_RECORD_EVENT_UPSERT:
      if (_vz_sync_engine_is_shown_record (self, kind, record))
        return;
      _vz_sync_engine_upsert (self, kind, record);
      break;
    case VZ_RECORD_EVENT_REMOVE:
      /* Our delete's echo must not take away the record Undo brings back. */
      if (!_vz_sync_engine_is_restoring (self, id))
        vz_store_remove (kind->store, id);
      break;
    case VZ_RECORD_EVENT_REREAD:
      _vz_sync_engine_reread_record (self, kind, id);
      return;
    case VZ_RECORD_EVENT_IGNORE:
    default:
      return;
    }
  _vz_sync_engine_rederive (self, kind);
}

static void
dispatch_event (VzSyncEngine *self,
                const char   *name,
                JsonNode     *payload)
{
  GPtrArray *kinds = g_hash_table_lookup (self->handlers, name);
  guint unknown = 0;

  /* Each kind the event touches applies it to its store. */
  for (guint i = 0; kinds != NULL && i < kinds->len; i++)
    {
      VzKind *kind = g_ptr_array_index (kinds, i);
      const VzResourceEvent *events = kind->resource->events;

      for (guint j = 0; events[j].name != NULL; j++)
        if (strcmp (events[j].name, name) == 0)
          {
            if (events[j].handle != NULL)
              unknown += events[j].handle (kind->resource, kind->store, kind->removed, name, payload);
            if (events[j].read != NULL)
              _vz_sync_engine_apply_record_event (self, kind, &events[j], payload);
          }
    }
  if (unknown > 0 && self->unknown_id == 0)
    self->unknown_id = g_timeout_add (UNKNOWN_REREAD_MS, on_unknown_reread, self);

  _vz_sync_engine_snapshot_mark_dirty (self);
  g_signal_emit (self, signals[SIGNAL_REALTIME_EVENT], g_quark_try_string (name), name, payload);
}

void
_vz_sync_engine_on_realtime_event (VzRealtimeClient *client,
                                   const char       *name,
                                   JsonNode         *payload,
                                   gint64            ack_id,
                                   VzSyncEngine     *self)
{
  HeldEvent *event;

  if (name == NULL)
    return;

  if (!self->reading)
    {
      dispatch_event (self, name, payload);
      return;
    }

  /* A read is in flight: applying now would be undone by the older list
   * that is about to land. Hold, and apply in order after it. */
  if (self->drop_held)
    return;
  if (self->held.length >= MAX_HELD_EVENTS)
    {
      _vz_sync_engine_clear_held (self);
      self->drop_held = TRUE;
      self->read_again = TRUE;
      return;
    }
  event = g_new (HeldEvent, 1);
  event->name = g_strdup (name);
  event->payload = payload != NULL ? json_node_ref (payload) : json_node_new (JSON_NODE_NULL);
  g_queue_push_tail (&self->held, event);
}

static void
flush_held (VzSyncEngine *self)
{
  HeldEvent *event;

  while ((event = g_queue_pop_head (&self->held)) != NULL)
    {
      dispatch_event (self, event->name, event->payload);
      held_event_free (event);
    }
}

void
_vz_sync_engine_read_init (VzSyncEngine *self)
{
  /* Which kinds each event touches, from their descriptions. */
  self->handlers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < self->kinds->len; i++)
    {
      VzKind *kind = g_ptr_array_index (self->kinds, i);
      const VzResourceEvent *events = kind->resource->events;

      for (guint j = 0; events != NULL && events[j].name != NULL; j++)
        {
          GPtrArray *kinds = g_hash_table_lookup (self->handlers, events[j].name);

          if (kinds == NULL)
            {
              kinds = g_ptr_array_new ();
              g_hash_table_insert (self->handlers, (gpointer) events[j].name, kinds);
            }
          if (!g_ptr_array_find (kinds, kind, NULL))
            g_ptr_array_add (kinds, kind);
        }
    }
  g_signal_connect_object (self->realtime, "event", G_CALLBACK (_vz_sync_engine_on_realtime_event), self, 0);
}

/* ------------------------------------------------------------------------ */
/* Records and links                                                        */

/* The server's version of a record, with what is still queued here on top. */
void
_vz_sync_engine_upsert (VzSyncEngine *self,
                        VzKind       *kind,
                        JsonObject   *obj)
{
  g_autoptr(GError) error = NULL;
  const char *id = _vz_json_string (obj, "id");

  if (id == NULL || g_hash_table_contains (kind->removed, id))
    return;
  if (_vz_sync_engine_has_pending (self, id))
    {
      g_autoptr(JsonObject) copy = _vz_sync_engine_overlay_pending (self, kind, obj, id, NULL);

      vz_store_upsert_json (kind->store, copy, &error);
    }
  else
    vz_store_upsert_json (kind->store, obj, &error);
  if (error == NULL)
    _vz_sync_engine_saw_record (self, kind, obj);
  else
    g_debug ("The server's record (%s) could not be shown: %s", kind->resource->name, error->message);
}

/* A record the server answered one of our requests with (made, changed):
 * shown with what is queued here on top, and kept for a read that is out
 * now, whose list may have been written before it. Returns the store's
 * record; NULL when it was deleted here meanwhile, or with @error when it
 * cannot be read (without @error, that is logged). */
gpointer
_vz_sync_engine_landed (VzSyncEngine  *self,
                        VzKind        *kind,
                        JsonObject    *obj,
                        GError       **error)
{
  const char *id = _vz_json_string (obj, "id");
  g_autoptr(JsonObject) copy = NULL;
  g_autoptr(GError) local_error = NULL;
  gpointer record;

  if (id == NULL)
    {
      g_set_error (&local_error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                   "The server's %s has no id", kind->resource->name);
      goto failed;
    }
  if (self->reading)
    g_hash_table_replace (kind->fresh, g_strdup (id), json_object_ref (obj));
  if (g_hash_table_contains (kind->removed, id))
    return NULL;
  if (_vz_sync_engine_has_pending (self, id))
    copy = _vz_sync_engine_overlay_pending (self, kind, obj, id, NULL);
  record = vz_store_upsert_json (kind->store, copy != NULL ? copy : obj, &local_error);
  if (record != NULL)
    {
      _vz_sync_engine_saw_record (self, kind, obj);
      return record;
    }

failed:
  if (error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_debug ("The server's record (%s) could not be shown: %s", kind->resource->name, local_error->message);
  return NULL;
}

/* Figures a kind shows from another kind's records (VzResourceDerive),
 * after @changed's records changed (NULL: any). */
void
_vz_sync_engine_rederive (VzSyncEngine *self,
                          VzKind       *changed)
{
  for (guint i = 0; i < self->kinds->len; i++)
    {
      VzKind *kind = g_ptr_array_index (self->kinds, i);
      const VzResourceDerive *derive = kind->resource->derive;
      VzKind *from = derive != NULL ? _vz_sync_engine_kind (self, derive->from) : NULL;

      if (from != NULL && (changed == NULL || changed == from || changed == kind))
        derive->derive (kind->store, from->store);
    }
}

/* Every kind with links takes them from its linked kind's list again. */
static gboolean
derive_links (VzSyncEngine *self)
{
  gboolean any = FALSE;

  _vz_sync_engine_rederive (self, NULL);

  for (guint i = 0; i < self->kinds->len; i++)
    {
      VzKind *kind = g_ptr_array_index (self->kinds, i);
      const VzResourceLink *link = kind->resource->link;
      VzKind *linked = link != NULL ? _vz_sync_engine_kind (self, link->kind) : NULL;

      if (linked == NULL)
        continue;
      link->derive (kind->store, linked->store);
      any = TRUE;
    }
  return any;
}

/* … and the link changes still queued show on top. */
void
_vz_sync_engine_relink (VzSyncEngine *self)
{
  if (derive_links (self))
    _vz_sync_engine_show_pending (self, TRUE);
}

/* Copies of @objects with what is queued here on top; records deleted here
 * (or deleted while the read was out) left out, records that landed here
 * while the read was out (a list written before them lacks them) added.
 * O(pending) copies. @decoded (nullable): entities decoded ahead for
 * objects of @objects, which may stand in for their records. */
static GPtrArray *
overlay_list (VzSyncEngine *self,
              VzKind       *kind,
              GPtrArray    *objects,
              GHashTable   *decoded)
{
  g_autoptr(GHashTable) listed = NULL;   /* ids in @objects, when some landed here */
  GPtrArray *out;

  if (g_hash_table_size (kind->removed) == 0 && g_hash_table_size (kind->fresh) == 0 &&
      g_hash_table_size (kind->gone) == 0 && self->enqueuing->len == 0 &&
      (self->outbox == NULL || vz_outbox_get_count (self->outbox) == 0))
    return g_ptr_array_ref (objects);

  out = g_ptr_array_new_full (objects->len, (GDestroyNotify) json_object_unref);
  if (g_hash_table_size (kind->fresh) > 0)
    listed = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (objects, i);
      const char *id = _vz_json_string (obj, "id");
      JsonObject *newer = id != NULL ? g_hash_table_lookup (kind->fresh, id) : NULL;

      if (listed != NULL && id != NULL)
        g_hash_table_add (listed, (gpointer) id);

      if (id != NULL && (g_hash_table_contains (kind->removed, id) || g_hash_table_contains (kind->gone, id)))
        continue;
      /* Our own commit landed after the server wrote this list: the
       * answer we got is the later version (ISO-8601 UTC sorts as text). */
      if (newer != NULL && g_strcmp0 (_vz_json_string (newer, "updatedAt"), _vz_json_string (obj, "updatedAt")) > 0)
        obj = newer;
      if (id != NULL && _vz_sync_engine_has_pending (self, id))
        {
          g_autoptr(JsonObject) whole = vz_store_record_whole (decoded, obj);

          g_ptr_array_add (out, _vz_sync_engine_overlay_pending (self, kind, whole, id, NULL));
        }
      else
        g_ptr_array_add (out, json_object_ref (obj));
    }
  if (listed != NULL)
    {
      GHashTableIter iter;
      const char *id;
      JsonObject *obj;

      g_hash_table_iter_init (&iter, kind->fresh);
      while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &obj))
        if (!g_hash_table_contains (listed, id) && !g_hash_table_contains (kind->removed, id) &&
            !g_hash_table_contains (kind->gone, id))
          g_ptr_array_add (out, _vz_sync_engine_has_pending (self, id)
                                ? _vz_sync_engine_overlay_pending (self, kind, obj, id, NULL)
                                : json_object_ref (obj));
    }
  return out;
}

/* Fills every kind's store from @lists (one per kind, in the kinds' order;
 * NULL: keep that store), with what is queued here on top. @decoded
 * (nullable): entities decoded ahead for objects of @lists. */
void
_vz_sync_engine_apply_lists (VzSyncEngine  *self,
                             GPtrArray    **lists,
                             GHashTable    *decoded)
{
  for (guint i = 0; i < self->kinds->len; i++)
    {
      VzKind *kind = g_ptr_array_index (self->kinds, i);
      g_autoptr(GPtrArray) shown = NULL;
      g_autoptr(GError) decode_error = NULL;

      if (lists[i] == NULL)
        continue;
      /* Decoding problems in single records do not block the rest. */
      _vz_sync_engine_forget_seen (self, kind);
      shown = overlay_list (self, kind, lists[i], decoded);
      if (!vz_store_replace_all_decoded (kind->store, shown, decoded, &decode_error))
        g_debug ("Some records (%s) could not be read: %s", kind->resource->name, decode_error->message);
    }
  derive_links (self);
  _vz_sync_engine_show_pending (self, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */

/* A kind's list as its pages arrive: a new record is decoded into a new
 * entity at once and a stand-in takes its place in the page, so that the
 * record's parsed tree is freed before the next pages arrive instead of
 * being kept until the read ends (the trees are made in parsing threads,
 * whose heaps would keep the space). A record the store holds already stays
 * whole: the store's entity is updated from it, and decoding it twice (here,
 * then back to JSON when applied) would cost the main thread about twice
 * the update. */
typedef struct {
  VzStore    *store;
  GHashTable *decoded;      /* the read's, shared by its kinds */
  GHashTable *ids;          /* ids decoded: a later copy of one stays whole */
} PageDecoder;

static void
decode_page (GPtrArray *records,
             gpointer   user_data)
{
  PageDecoder *decoder = user_data;

  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *obj = g_ptr_array_index (records, i);
      const char *id = _vz_json_string (obj, "id");
      JsonObject *stub;

      if (id == NULL || vz_store_lookup (decoder->store, id) != NULL)
        continue;
      stub = vz_store_decode_ahead (vz_store_get_entity_type (decoder->store), obj, id, decoder->ids,
                                    decoder->decoded);
      if (stub == NULL)
        continue;
      g_ptr_array_index (records, i) = stub;
      json_object_unref (obj);
    }
}

/* A kind's whole list: page by page, or one answer for a kind whose list
 * is not paged. The source object is the API client either way. */
static void
on_unpaged_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  GPtrArray *list;
  JsonArray *array;

  if (payload == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (payload))
    {
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE,
                               _("The server sent something else than a list."));
      return;
    }
  array = json_node_get_array (payload);
  list = g_ptr_array_new_full (json_array_get_length (array), (GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (list, json_object_ref (json_node_get_object (node)));
    }
  g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
}

/* @decoder (nullable) is given each page of a paged list. */
static void
list_kind_async (VzSyncEngine        *self,
                 VzKind              *kind,
                 PageDecoder         *decoder,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task;

  if (!kind->resource->unpaged)
    {
      vz_api_client_list_all_full_async (self->api, kind->resource->collection, decoder != NULL ? decode_page : NULL,
                                         decoder, self->cancellable, callback, user_data);
      return;
    }
  task = g_task_new (self->api, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, list_kind_async);
  vz_api_client_request_async (self->api, "GET", kind->resource->collection, NULL, self->cancellable,
                               on_unpaged_read, task);
}

static GPtrArray *
list_kind_finish (GObject       *api,
                  GAsyncResult  *result,
                  GError       **error)
{
  if (g_async_result_is_tagged (result, list_kind_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return vz_api_client_list_all_finish (VZ_API_CLIENT (api), result, error);
}

typedef struct {
  GPtrArray   **lists;        /* one per kind */
  guint        *generations;  /* each kind's generation when asked */
  PageDecoder  *decoders;     /* one per kind */
  GHashTable   *decoded;      /* JsonObject* stand-in → VzEntity* */
  guint         n_kinds;
  GError       *error;
  guint         pending;
  guint         generation;
} ReadData;

static void
read_data_free (ReadData *data)
{
  for (guint i = 0; i < data->n_kinds; i++)
    {
      g_clear_pointer (&data->lists[i], g_ptr_array_unref);
      g_clear_pointer (&data->decoders[i].ids, g_hash_table_unref);
    }
  g_free (data->lists);
  g_free (data->generations);
  g_free (data->decoders);
  g_clear_pointer (&data->decoded, g_hash_table_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static void
clear_fresh (VzSyncEngine *self)
{
  for (guint i = 0; i < self->kinds->len; i++)
    {
      VzKind *kind = g_ptr_array_index (self->kinds, i);

      g_hash_table_remove_all (kind->fresh);
      g_hash_table_remove_all (kind->gone);
    }
}

static void
read_finished (VzSyncEngine *self,
               ReadData     *data)
{
  /* Cancelled by stop(), or overtaken by a stop() and start(): a newer read
   * may already be under way and owns the state. */
  if (data->generation != self->read_generation ||
      (data->error != NULL && g_error_matches (data->error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    return;

  self->reading = FALSE;
  _vz_sync_engine_breaker_outcome (self, data->error);

  if (data->error != NULL)
    {
      g_debug ("Reading the lists failed: %s", data->error->message);
      _vz_sync_engine_set_last_error (self, data->error->message);
      self->read_failed = TRUE;
      if (g_error_matches (data->error, VZ_API_ERROR, VZ_API_ERROR_UNAUTHORIZED) ||
          g_error_matches (data->error, VZ_API_ERROR, VZ_API_ERROR_FORBIDDEN))
        self->auth_failed = TRUE;
      else if (self->started && self->retry_id == 0)
        self->retry_id = g_timeout_add (vz_backoff_next_delay (self->read_backoff), _vz_sync_engine_on_retry_read, self);

      /* Without a good read the held events have nothing to apply to, and the
       * next read supersedes them anyway. */
      _vz_sync_engine_clear_held (self);
      self->drop_held = FALSE;
      _vz_sync_engine_update_state (self);
      _vz_sync_engine_snapshot_offer (self, data->error);
      return;
    }

  /* A kind's list asked for after this read began (a link change landed)
   * is newer: this one is not applied over it. */
  for (guint i = 0; i < data->n_kinds; i++)
    if (data->generations[i] != ((VzKind *) g_ptr_array_index (self->kinds, i))->generation)
      g_clear_pointer (&data->lists[i], g_ptr_array_unref);
  _vz_sync_engine_apply_lists (self, data->lists, data->decoded);
  clear_fresh (self);
  /* The saved fleet, still being read, would only be dropped now: a saved
   * fleet of tens of thousands of records takes as much memory as this read
   * while it is parsed and decoded. */
  if (self->snapshot_read != NULL)
    g_cancellable_cancel (self->snapshot_read);
  /* The records' JSON, now in the stores as objects, was most of the heap. */
  for (guint i = 0; i < data->n_kinds; i++)
    g_clear_pointer (&data->lists[i], g_ptr_array_unref);
  g_hash_table_remove_all (data->decoded);
  vz_memory_trim_in_thread ();

  self->read_failed = FALSE;
  _vz_sync_engine_mark_contact (self);
  vz_backoff_reset (self->read_backoff);
  _vz_sync_engine_set_last_error (self, NULL);
  _vz_sync_engine_set_boolean (self, &self->loaded, TRUE, PROP_LOADED);
  _vz_sync_engine_set_boolean (self, &self->loading, FALSE, PROP_LOADING);
  _vz_sync_engine_snapshot_live (self);
  /* A session restored from the saved sign-in is confirmed once the server
   * answers with its token: the app is online by itself. */
  if (vz_session_get_state (self->session) == VZ_SESSION_STATE_SAVED)
    vz_session_resume_async (self->session, vz_api_client_get_access_token (self->api),
                             NULL, NULL, NULL);

  /* The stores are complete: what arrived meanwhile applies on top, in order. */
  flush_held (self);
  self->drop_held = FALSE;
  _vz_sync_engine_update_state (self);

  if (self->read_again)
    {
      self->read_again = FALSE;
      _vz_sync_engine_start_read (self);
    }
}

typedef struct {
  GTask *task;
  guint  index;   /* the kind's */
} ListCall;

/* Every kind's list lands here: the first error is the one kept, and the
 * read finishes when the last list has come. */
static void
on_list_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ListCall *call = user_data;
  g_autoptr(GTask) task = call->task;
  VzSyncEngine *self = g_task_get_source_object (task);
  ReadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  g_assert (call->index < data->n_kinds);
  list = list_kind_finish (source, result, &error);
  /* A kind this server does not offer is an empty list, not a failed read. */
  if (list == NULL && g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND) &&
      ((VzKind *) g_ptr_array_index (self->kinds, call->index))->resource->optional)
    {
      g_debug ("The server offers no %s", ((VzKind *) g_ptr_array_index (self->kinds, call->index))->resource->collection);
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
      g_clear_error (&error);
    }
  data->lists[call->index] = list;
  g_free (call);
  if (list == NULL && data->error == NULL)
    data->error = g_steal_pointer (&error);
  if (--data->pending == 0)
    read_finished (self, data);
}

void
_vz_sync_engine_start_read (VzSyncEngine *self)
{
  GTask *task;
  ReadData *data;

  if (!self->started)
    return;
  if (self->reading)
    {
      self->read_again = TRUE;
      return;
    }

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->unknown_id, g_source_remove);
  /* A server that keeps failing is not asked again until the breaker lets
   * a probe through; it calls back then. */
  if (!_vz_sync_engine_breaker_allows (self))
    {
      _vz_sync_engine_update_state (self);
      return;
    }
  self->reading = TRUE;
  if (!self->loaded)
    _vz_sync_engine_set_boolean (self, &self->loading, TRUE, PROP_LOADING);

  task = g_task_new (self, self->cancellable, NULL, NULL);
  g_task_set_source_tag (task, _vz_sync_engine_start_read);
  data = g_new0 (ReadData, 1);
  data->n_kinds = self->kinds->len;
  data->lists = g_new0 (GPtrArray *, data->n_kinds);
  data->generations = g_new0 (guint, data->n_kinds);
  data->decoders = g_new0 (PageDecoder, data->n_kinds);
  data->decoded = vz_store_decoded_new ();
  data->pending = data->n_kinds;
  data->generation = ++self->read_generation;
  /* What commits from now on may be newer than what this read returns. */
  clear_fresh (self);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);

  for (guint i = 0; i < self->kinds->len; i++)
    {
      VzKind *kind = g_ptr_array_index (self->kinds, i);
      ListCall *call = g_new0 (ListCall, 1);

      data->generations[i] = ++kind->generation;
      call->task = g_object_ref (task);
      call->index = i;
      data->decoders[i].store = kind->store;
      data->decoders[i].decoded = data->decoded;
      data->decoders[i].ids = g_hash_table_new (g_str_hash, g_str_equal);
      list_kind_async (self, kind, &data->decoders[i], on_list_read, call);
    }
  g_object_unref (task);
}

void
_vz_sync_engine_stop_read (VzSyncEngine *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->unknown_id, g_source_remove);
  _vz_sync_engine_clear_held (self);
  self->reading = FALSE;
  self->read_again = FALSE;
  self->drop_held = FALSE;
  _vz_sync_engine_set_boolean (self, &self->loading, FALSE, PROP_LOADING);
}

/* ------------------------------------------------------------------------ */
/* One kind again (the server computes links and counts)                    */

static void
on_kind_reread (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzSyncEngine *self = g_task_get_source_object (task);
  VzKind *kind = g_task_get_task_data (task);
  guint generation = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "vz-generation"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) decode_error = NULL;

  list = list_kind_finish (source, result, &error);
  /* A list asked for later is newer than this one: let it speak. */
  if (generation != kind->generation)
    return;
  if (list == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Re-reading %s failed: %s", kind->resource->collection, error->message);
      return;
    }
  _vz_sync_engine_forget_seen (self, kind);
  if (!vz_store_replace_all (kind->store, list, &decode_error))
    g_debug ("Some records (%s) could not be read: %s", kind->resource->name, decode_error->message);
  _vz_sync_engine_relink (self);
}

void
_vz_sync_engine_reread_kind (VzSyncEngine *self,
                             VzKind       *kind)
{
  GTask *task = g_task_new (self, self->cancellable, NULL, NULL);

  g_task_set_source_tag (task, _vz_sync_engine_reread_kind);
  g_task_set_task_data (task, kind, NULL);
  g_object_set_data (G_OBJECT (task), "vz-generation", GUINT_TO_POINTER (++kind->generation));
  list_kind_async (self, kind, NULL, on_kind_reread, task);
}
