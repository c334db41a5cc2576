/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-outbox"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vz-outbox-private.h"
#include "vz-wire-json.h"

G_DEFINE_QUARK (vz-outbox-error-quark, vz_outbox_error)

G_DEFINE_ENUM_TYPE (VzOutboxRemoval, vz_outbox_removal,
  G_DEFINE_ENUM_VALUE (VZ_OUTBOX_REMOVAL_COMMITTED, "committed"),
  G_DEFINE_ENUM_VALUE (VZ_OUTBOX_REMOVAL_DISCARDED, "discarded"))

/* ------------------------------------------------------------------------ */
/* The outbox: main-thread bookkeeping over the journal. */

static void vz_outbox_list_model_init (GListModelInterface *iface);
static void vz_outbox_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VzOutbox, vz_outbox, G_TYPE_OBJECT,
  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, vz_outbox_list_model_init)
  G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, vz_outbox_initable_init)
  G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE, NULL))

enum {
  PROP_0,
  PROP_PATH,
  PROP_FLAGS,
  PROP_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_MUTATION_ADDED,
  SIGNAL_MUTATION_REMOVED,
  SIGNAL_MUTATION_STATE_CHANGED,
  SIGNAL_MUTATION_SENDABLE,
  SIGNAL_JOURNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean complete_tasks (gpointer data);

static void
entry_free (VzOutboxEntry *entry)
{
  g_object_unref (entry->mutation);
  g_free (entry->links);
  g_free (entry);
}

static int
entry_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const VzOutboxEntry *ea = a, *eb = b;

  return ea->seq < eb->seq ? -1 : ea->seq > eb->seq ? 1 : 0;
}

static gboolean
entry_first_in_line (VzOutboxEntry *entry)
{
  for (guint i = 0; i < entry->n_entities; i++)
    if (entry->links[i].link->prev != NULL)
      return FALSE;
  return TRUE;
}

/* Brings entry->sendable and the sendable set up to date. Returns TRUE
 * when the entry just became sendable (the caller emits the signal once
 * its own bookkeeping is done). A change whose not-before time has not
 * come is held (vz-outbox-hold.c), not sendable. */
gboolean
_vz_outbox_update_sendable (VzOutbox      *self,
                            VzOutboxEntry *entry)
{
  gboolean now = FALSE;

  if (vz_mutation_get_state (entry->mutation) == VZ_MUTATION_STATE_QUEUED && entry_first_in_line (entry))
    now = !_vz_outbox_hold (self, entry);
  else
    _vz_outbox_release (self, entry);

  if (now == entry->sendable)
    return FALSE;
  entry->sendable = now;
  if (now)
    g_tree_insert (self->sendable, entry, entry);
  else
    g_tree_remove (self->sendable, entry);
  return now;
}

/* Adds @mutation at the end of the queue without any signal. */
VzOutboxEntry *
_vz_outbox_insert_entry (VzOutbox   *self,
                         VzMutation *mutation)
{
  const char * const *ids = vz_mutation_get_entity_ids (mutation);
  guint n_ids = g_strv_length ((char **) ids);
  VzOutboxEntry *entry = g_new0 (VzOutboxEntry, 1);

  entry->mutation = g_object_ref (mutation);
  entry->seq = self->next_seq++;
  entry->iter = g_sequence_append (self->items, entry);
  entry->links = g_new0 (VzOutboxEntityLink, MAX (n_ids, 1));
  g_hash_table_insert (self->by_id, (gpointer) vz_mutation_get_id (mutation), entry);

  for (guint i = 0; i < n_ids; i++)
    {
      GQueue *queue;
      gboolean seen = FALSE;

      /* A repeated id would wait behind itself forever. */
      for (guint k = 0; k < i && !seen; k++)
        seen = strcmp (ids[k], ids[i]) == 0;
      if (seen)
        continue;

      queue = g_hash_table_lookup (self->by_entity, ids[i]);
      if (queue == NULL)
        {
          queue = g_queue_new ();
          g_hash_table_insert (self->by_entity, g_strdup (ids[i]), queue);
        }
      g_queue_push_tail (queue, entry);
      entry->links[entry->n_entities].entity_id = ids[i];
      entry->links[entry->n_entities].queue = queue;
      entry->links[entry->n_entities].link = queue->tail;
      entry->n_entities++;
    }

  return entry;
}

/* Takes @entry out of every index; the entries that became first in line
 * for one of its entities are added to @now_sendable. Frees the entry and
 * returns its mutation (transfer full). */
VzMutation *
_vz_outbox_unlink_entry (VzOutbox      *self,
                         VzOutboxEntry *entry,
                         GPtrArray     *now_sendable)
{
  VzMutation *mutation = g_object_ref (entry->mutation);

  g_sequence_remove (entry->iter);
  g_hash_table_remove (self->by_id, vz_mutation_get_id (mutation));
  _vz_outbox_release (self, entry);
  if (entry->sendable)
    g_tree_remove (self->sendable, entry);

  for (guint i = 0; i < entry->n_entities; i++)
    {
      GQueue *queue = entry->links[i].queue;
      gboolean was_first = entry->links[i].link->prev == NULL;

      g_queue_delete_link (queue, entry->links[i].link);
      if (queue->length == 0)
        g_hash_table_remove (self->by_entity, entry->links[i].entity_id);
      else if (was_first && _vz_outbox_update_sendable (self, queue->head->data) && now_sendable != NULL)
        g_ptr_array_add (now_sendable, g_object_ref (((VzOutboxEntry *) queue->head->data)->mutation));
    }

  entry_free (entry);
  return mutation;
}

void
_vz_outbox_emit_sendable (VzOutbox  *self,
                          GPtrArray *now_sendable)
{
  for (guint i = 0; i < now_sendable->len; i++)
    {
      VzMutation *m = g_ptr_array_index (now_sendable, i);

      /* A handler may already have taken an earlier one out. */
      if (g_hash_table_lookup (self->by_id, vz_mutation_get_id (m)) != NULL)
        g_signal_emit (self, signals[SIGNAL_MUTATION_SENDABLE], 0, m);
    }
}

/* ------------------------------------------------------------------------ */
/* Journal records built on the main thread (the mutation is not thread-safe). */

static GBytes *
payload_for_add (VzMutation *mutation)
{
  g_autoptr(JsonNode) node = vz_mutation_to_json (mutation);
  GString *out = g_string_sized_new (512);

  vz_wire_json_append (out, node);
  return g_string_free_to_bytes (out);
}

static GBytes *
payload_for_update (VzMutation *mutation)
{
  GString *out = g_string_sized_new (128);
  const char *last_error = vz_mutation_get_last_error (mutation);

  g_string_append (out, "{\"id\":");
  vz_wire_json_append_string (out, vz_mutation_get_id (mutation));
  g_string_append (out, ",\"state\":\"");
  g_string_append (out, vz_mutation_state_to_string (vz_mutation_get_state (mutation)));
  g_string_append_printf (out, "\",\"attempts\":%u", vz_mutation_get_attempts (mutation));
  if (last_error != NULL)
    {
      g_string_append (out, ",\"lastError\":");
      vz_wire_json_append_string (out, last_error);
    }
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
}

static GBytes *
payload_for_remove (VzMutation      *mutation,
                    VzOutboxRemoval  why)
{
  GString *out = g_string_sized_new (80);

  g_string_append (out, "{\"id\":");
  vz_wire_json_append_string (out, vz_mutation_get_id (mutation));
  g_string_append (out, why == VZ_OUTBOX_REMOVAL_COMMITTED
                        ? ",\"reason\":\"committed\"}" : ",\"reason\":\"discarded\"}");
  return g_string_free_to_bytes (out);
}

static void
journal_record (VzOutbox   *self,
                char        kind,
                VzMutation *mutation,
                GBytes     *payload,
                GTask      *task)
{
  VzOutboxOp *op = g_new0 (VzOutboxOp, 1);

  op->kind = kind;
  op->id = mutation != NULL ? g_strdup (vz_mutation_get_id (mutation)) : NULL;
  op->payload = payload;
  op->task = task != NULL ? g_object_ref (task) : NULL;
  _vz_outbox_journal_push (self->journal, op);
}

static gboolean
vz_outbox_initable_init_impl (GInitable     *initable,
                              GCancellable  *cancellable,
                              GError       **error)
{
  VzOutbox *self = VZ_OUTBOX (initable);
  g_autofree char *dir = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *tmp_path = NULL;
  GSequenceIter *iter;
  struct stat lock_st;
  int errsv;

  if (self->path == NULL || self->path[0] == '\0')
    {
      g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                           _("The offline queue has no file name."));
      return FALSE;
    }
  if (self->journal != NULL)
    return TRUE;

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      errsv = errno;
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                   _("The folder for the offline queue “%s” could not be created: %s."),
                   dir, g_strerror (errsv));
      return FALSE;
    }

  /* Two writers appending to one journal would interleave records. */
  lock_path = g_strconcat (self->path, ".lock", NULL);
  self->lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (self->lock_fd < 0)
    {
      errsv = errno;
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                   _("The offline queue “%s” could not be opened: %s."),
                   self->path, g_strerror (errsv));
      return FALSE;
    }
  /* A closed outbox of this process may still be writing its last records. */
  if (fstat (self->lock_fd, &lock_st) == 0)
    _vz_outbox_journal_wait_closed (lock_st.st_dev, lock_st.st_ino);
  if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      errsv = errno;
      close (self->lock_fd);
      self->lock_fd = -1;
      if (errsv == EWOULDBLOCK)
        g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_BUSY,
                             _("The offline queue is in use by another Vizora program "
                               "(the app or vizoractl). Close it and try again."));
      else
        g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                     _("The offline queue “%s” could not be locked: %s."),
                     self->path, g_strerror (errsv));
      return FALSE;
    }

  /* A leftover of a compaction that did not finish; the journal is whole. */
  tmp_path = g_strconcat (self->path, ".tmp", NULL);
  g_unlink (tmp_path);

  self->journal = _vz_outbox_journal_new (self->path, self->context, self, complete_tasks);
  if (!_vz_outbox_load_journal (self, cancellable, error))
    {
      g_clear_pointer (&self->journal, _vz_outbox_journal_free);
      return FALSE;
    }

  self->journal->fd = open (self->path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (self->journal->fd < 0)
    {
      errsv = errno;
      g_set_error (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_IO,
                   _("The offline queue “%s” could not be opened for writing: %s."),
                   self->path, g_strerror (errsv));
      g_clear_pointer (&self->journal, _vz_outbox_journal_free);
      return FALSE;
    }

  /* Nothing is in flight in a new process: what was being sent when the
   * last one stopped is sent again (the Idempotency-Key makes that safe). */
  for (iter = g_sequence_get_begin_iter (self->items);
       !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    {
      VzOutboxEntry *entry = g_sequence_get (iter);

      if (vz_mutation_get_state (entry->mutation) == VZ_MUTATION_STATE_SENDING)
        vz_mutation_set_state (entry->mutation, VZ_MUTATION_STATE_QUEUED);
      _vz_outbox_update_sendable (self, entry);
    }

  _vz_outbox_journal_start (self->journal);
  return TRUE;
}

static void
vz_outbox_initable_init (GInitableIface *iface)
{
  iface->init = vz_outbox_initable_init_impl;
}

/* ------------------------------------------------------------------------ */
/* GListModel */

static GType
vz_outbox_get_item_type (GListModel *model)
{
  return VZ_TYPE_MUTATION;
}

static guint
vz_outbox_get_n_items (GListModel *model)
{
  return (guint) g_sequence_get_length (VZ_OUTBOX (model)->items);
}

static gpointer
vz_outbox_get_item (GListModel *model,
                    guint       position)
{
  VzOutbox *self = VZ_OUTBOX (model);
  GSequenceIter *iter;

  if (position >= (guint) g_sequence_get_length (self->items))
    return NULL;
  iter = g_sequence_get_iter_at_pos (self->items, (int) position);
  return g_object_ref (((VzOutboxEntry *) g_sequence_get (iter))->mutation);
}

static void
vz_outbox_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = vz_outbox_get_item_type;
  iface->get_n_items = vz_outbox_get_n_items;
  iface->get_item = vz_outbox_get_item;
}

/* ------------------------------------------------------------------------ */
/* GObject */

static void
vz_outbox_finalize (GObject *object)
{
  VzOutbox *self = VZ_OUTBOX (object);

  /* The writer goes on with every record still queued and then releases
   * the lock; the main loop does not wait for it. */
  if (self->journal != NULL)
    _vz_outbox_journal_close (g_steal_pointer (&self->journal), g_steal_fd (&self->lock_fd));
  else if (self->lock_fd >= 0)
    close (self->lock_fd);

  _vz_outbox_hold_clear (self);
  g_tree_unref (self->sendable);
  g_hash_table_unref (self->by_id);
  for (GSequenceIter *iter = g_sequence_get_begin_iter (self->items);
       !g_sequence_iter_is_end (iter);
       iter = g_sequence_iter_next (iter))
    entry_free (g_sequence_get (iter));
  g_hash_table_unref (self->by_entity);
  g_hash_table_unref (self->pending_ids);
  g_sequence_free (self->items);
  g_main_context_unref (self->context);
  g_free (self->path);

  G_OBJECT_CLASS (vz_outbox_parent_class)->finalize (object);
}

static void
vz_outbox_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VzOutbox *self = VZ_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_FLAGS:
      g_value_set_uint (value, self->flags);
      break;
    case PROP_COUNT:
      g_value_set_uint (value, vz_outbox_get_count (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_outbox_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VzOutbox *self = VZ_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    case PROP_FLAGS:
      self->flags = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_outbox_class_init (VzOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vz_outbox_finalize;
  object_class->get_property = vz_outbox_get_property;
  object_class->set_property = vz_outbox_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAGS] =
    g_param_spec_uint ("flags", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_MUTATION_ADDED] =
    g_signal_new ("mutation-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VZ_TYPE_MUTATION);
  signals[SIGNAL_MUTATION_REMOVED] =
    g_signal_new ("mutation-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, VZ_TYPE_MUTATION, VZ_TYPE_OUTBOX_REMOVAL);
  signals[SIGNAL_MUTATION_STATE_CHANGED] =
    g_signal_new ("mutation-state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, VZ_TYPE_MUTATION, VZ_TYPE_MUTATION_STATE);
  signals[SIGNAL_MUTATION_SENDABLE] =
    g_signal_new ("mutation-sendable", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VZ_TYPE_MUTATION);
  signals[SIGNAL_JOURNAL_ERROR] =
    g_signal_new ("journal-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
vz_outbox_init (VzOutbox *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->lock_fd = -1;
  self->items = g_sequence_new (NULL);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_entity = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_queue_free);
  self->sendable = g_tree_new_full (entry_compare, NULL, NULL, NULL);
  self->pending_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  _vz_outbox_hold_init (self);
}

/* ------------------------------------------------------------------------ */
/* State changes, shared with vz-outbox-states.c */

/* Applies a state change in memory, journals it, then tells listeners. */
void
_vz_outbox_change_state (VzOutbox        *self,
                         VzOutboxEntry   *entry,
                         VzMutationState  state,
                         guint            attempts,
                         const char      *last_error)
{
  VzMutation *mutation = entry->mutation;
  VzMutationState old_state = vz_mutation_get_state (mutation);
  g_autoptr(GPtrArray) now_sendable = g_ptr_array_new_with_free_func (g_object_unref);

  g_object_ref (mutation);
  g_object_freeze_notify (G_OBJECT (mutation));
  vz_mutation_set_state (mutation, state);
  vz_mutation_set_attempts (mutation, attempts);
  vz_mutation_set_last_error (mutation, last_error);
  if (_vz_outbox_update_sendable (self, entry))
    g_ptr_array_add (now_sendable, g_object_ref (mutation));
  journal_record (self, REC_UPDATE, mutation, payload_for_update (mutation), NULL);

  g_object_thaw_notify (G_OBJECT (mutation));
  if (old_state != state)
    g_signal_emit (self, signals[SIGNAL_MUTATION_STATE_CHANGED], 0, mutation, old_state);
  _vz_outbox_emit_sendable (self, now_sendable);
  g_object_unref (mutation);
}

void
_vz_outbox_remove_entry (VzOutbox        *self,
                         VzOutboxEntry   *entry,
                         VzOutboxRemoval  why)
{
  g_autoptr(GPtrArray) now_sendable = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(VzMutation) mutation = NULL;
  guint position = (guint) g_sequence_iter_get_position (entry->iter);

  mutation = _vz_outbox_unlink_entry (self, entry, now_sendable);
  journal_record (self, REC_REMOVE, mutation, payload_for_remove (mutation, why), NULL);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
  g_signal_emit (self, signals[SIGNAL_MUTATION_REMOVED], 0, mutation, why);
  _vz_outbox_emit_sendable (self, now_sendable);
}

/* ------------------------------------------------------------------------ */
/* Public API */

VzOutbox *
vz_outbox_new (const char         *path,
               VzOutboxOpenFlags   flags,
               GCancellable       *cancellable,
               GError            **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (VZ_TYPE_OUTBOX, cancellable, error,
                         "path", path,
                         "flags", (guint) flags,
                         NULL);
}

void
vz_outbox_new_async (const char          *path,
                     VzOutboxOpenFlags    flags,
                     int                  io_priority,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* GAsyncInitable's default runs the GInitable init in a worker thread. */
  g_async_initable_new_async (VZ_TYPE_OUTBOX, io_priority, cancellable, callback, user_data,
                              "path", path,
                              "flags", (guint) flags,
                              NULL);
}

VzOutbox *
vz_outbox_new_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_autoptr(GObject) source = NULL;
  GObject *object;

  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  source = g_async_result_get_source_object (result);
  object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);
  return object != NULL ? VZ_OUTBOX (object) : NULL;
}

char *
vz_outbox_path_for_account (const char *account_id)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (account_id != NULL, NULL);

  /* Letters, digits, '-' and '_' pass as they are so the folder stays
   * recognisable; anything else (a '/', "..", an '@') gets a digest. */
  for (const char *p = account_id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      {
        key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, account_id, -1);
        break;
      }
  if (key == NULL)
    key = account_id[0] != '\0' && strlen (account_id) <= 128
      ? g_strdup (account_id)
      : g_compute_checksum_for_string (G_CHECKSUM_SHA256, account_id, -1);

  return g_build_filename (g_get_user_data_dir (), "vizora-desktop", "accounts", key,
                           "outbox.journal", NULL);
}

const char *
vz_outbox_get_path (VzOutbox *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);
  return self->path;
}

guint
vz_outbox_get_count (VzOutbox *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), 0);
  return (guint) g_sequence_get_length (self->items);
}

VzMutation *
vz_outbox_lookup (VzOutbox   *self,
                  const char *id)
{
  VzOutboxEntry *entry;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  entry = g_hash_table_lookup (self->by_id, id);
  return entry != NULL ? entry->mutation : NULL;
}

static void
accept_enqueued (VzOutbox   *self,
                 VzMutation *mutation,
                 gboolean    durable,
                 GPtrArray  *added,
                 GPtrArray  *now_sendable)
{
  VzOutboxEntry *entry;

  g_hash_table_remove (self->pending_ids, vz_mutation_get_id (mutation));
  if (!durable)
    return;
  entry = _vz_outbox_insert_entry (self, mutation);
  g_ptr_array_add (added, g_object_ref (mutation));
  if (_vz_outbox_update_sendable (self, entry))
    g_ptr_array_add (now_sendable, g_object_ref (mutation));
}

static gboolean
complete_tasks (gpointer data)
{
  VzOutboxCompletion *c = data;
  /* Pending tasks hold the outbox; without tasks it may be gone already. */
  g_autoptr(VzOutbox) self = g_weak_ref_get (c->owner);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) now_sendable = g_ptr_array_new_with_free_func (g_object_unref);
  guint first_pos;

  if (self == NULL)
    return G_SOURCE_REMOVE;
  first_pos = vz_outbox_get_count (self);

  /* Everything is indexed before any signal runs, so handlers see a
   * consistent outbox; one items-changed covers the whole group. */
  for (guint i = 0; i < c->tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (c->tasks, i);
      GPtrArray *batch;

      if (g_task_get_source_tag (task) == vz_outbox_enqueue_async)
        accept_enqueued (self, g_task_get_task_data (task), c->error == NULL, added, now_sendable);
      else if (g_task_get_source_tag (task) == vz_outbox_enqueue_batch_async)
        {
          batch = g_task_get_task_data (task);
          for (guint k = 0; k < batch->len; k++)
            accept_enqueued (self, g_ptr_array_index (batch, k), c->error == NULL, added, now_sendable);
        }
    }

  if (added->len > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), first_pos, 0, added->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
      for (guint i = 0; i < added->len; i++)
        g_signal_emit (self, signals[SIGNAL_MUTATION_ADDED], 0, g_ptr_array_index (added, i));
      _vz_outbox_emit_sendable (self, now_sendable);
    }

  if (c->error != NULL)
    g_signal_emit (self, signals[SIGNAL_JOURNAL_ERROR], 0, c->error);

  for (guint i = 0; i < c->tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (c->tasks, i);
      GError *error = c->error;

      if (error == NULL && g_task_get_source_tag (task) == vz_outbox_flush_async)
        error = c->flush_error;
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }

  return G_SOURCE_REMOVE;
}

/* What enqueueing one change and a batch both refuse before anything is
 * written. @seen, when given, holds the ids of the batch checked so far, so
 * a batch naming one change twice is refused as a duplicate too. */
static gboolean
check_new_change (VzOutbox    *self,
                  VzMutation  *mutation,
                  GHashTable  *seen,
                  GError     **error)
{
  const char *id = vz_mutation_get_id (mutation);

  if (g_hash_table_contains (self->by_id, id) || g_hash_table_contains (self->pending_ids, id) ||
      (seen != NULL && !g_hash_table_add (seen, (gpointer) id)))
    {
      g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_DUPLICATE,
                           _("This change is already in the offline queue."));
      return FALSE;
    }
  if (vz_mutation_get_state (mutation) != VZ_MUTATION_STATE_QUEUED)
    {
      g_set_error_literal (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_INVALID_STATE,
                           _("Only a new change can be added to the offline queue."));
      return FALSE;
    }
  return TRUE;
}

void
vz_outbox_enqueue_async (VzOutbox            *self,
                         VzMutation          *mutation,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;
  const char *id;

  g_return_if_fail (VZ_IS_OUTBOX (self));
  g_return_if_fail (VZ_IS_MUTATION (mutation));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_outbox_enqueue_async);
  g_task_set_task_data (task, g_object_ref (mutation), g_object_unref);
  /* Once written, the change is queued whatever the cancellable says. */
  g_task_set_check_cancellable (task, FALSE);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!check_new_change (self, mutation, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  id = vz_mutation_get_id (mutation);

  payload = payload_for_add (mutation);
  /* Loading refuses records above the limit as damage: never write one. */
  if (g_bytes_get_size (payload) > MAX_PAYLOAD)
    {
      g_task_return_new_error (task, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_TOO_LARGE,
                               _("This change is too large to be kept in the offline queue."));
      return;
    }

  g_hash_table_add (self->pending_ids, g_strdup (id));
  journal_record (self, REC_ADD, mutation, g_steal_pointer (&payload), task);
}

gboolean
vz_outbox_enqueue_finish (VzOutbox      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_outbox_enqueue_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_outbox_enqueue_batch_async (VzOutbox            *self,
                               GPtrArray           *mutations,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GPtrArray) payloads = NULL;
  g_autoptr(GError) error = NULL;
  gsize total = 0;
  GPtrArray *batch;
  VzOutboxOp *op;

  g_return_if_fail (VZ_IS_OUTBOX (self));
  g_return_if_fail (mutations != NULL && mutations->len > 0);
  for (guint i = 0; i < mutations->len; i++)
    g_return_if_fail (VZ_IS_MUTATION (g_ptr_array_index (mutations, i)));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_outbox_enqueue_batch_async);
  g_task_set_check_cancellable (task, FALSE);
  batch = g_ptr_array_new_full (mutations->len, g_object_unref);
  for (guint i = 0; i < mutations->len; i++)
    g_ptr_array_add (batch, g_object_ref (g_ptr_array_index (mutations, i)));
  g_task_set_task_data (task, batch, (GDestroyNotify) g_ptr_array_unref);

  if (g_task_return_error_if_cancelled (task))
    return;

  /* All checked before anything is written: the batch goes in whole. */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < batch->len; i++)
    {
      if (!check_new_change (self, g_ptr_array_index (batch, i), seen, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  payloads = g_ptr_array_new_full (batch->len, (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < batch->len; i++)
    {
      GBytes *payload = payload_for_add (g_ptr_array_index (batch, i));

      total += RECORD_HEADER_SIZE + g_bytes_get_size (payload);
      g_ptr_array_add (payloads, payload);
    }
  /* Loading refuses records above the limit as damage: never write one. */
  if (total > MAX_PAYLOAD)
    {
      g_task_return_new_error (task, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_TOO_LARGE,
                               _("This change is too large to be kept in the offline queue."));
      return;
    }

  op = g_new0 (VzOutboxOp, 1);
  op->kind = REC_BATCH;
  op->batch_ids = g_ptr_array_new_full (batch->len, g_free);
  op->batch_payloads = g_steal_pointer (&payloads);
  for (guint i = 0; i < batch->len; i++)
    {
      VzMutation *mutation = g_ptr_array_index (batch, i);

      g_hash_table_add (self->pending_ids, g_strdup (vz_mutation_get_id (mutation)));
      g_ptr_array_add (op->batch_ids, g_strdup (vz_mutation_get_id (mutation)));
    }
  op->task = g_object_ref (task);
  _vz_outbox_journal_push (self->journal, op);
}

gboolean
vz_outbox_enqueue_batch_finish (VzOutbox      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_outbox_enqueue_batch_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
vz_outbox_flush_async (VzOutbox            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VZ_IS_OUTBOX (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_outbox_flush_async);
  journal_record (self, REC_FLUSH, NULL, NULL, task);
}

gboolean
vz_outbox_flush_finish (VzOutbox      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_outbox_flush_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

VzMutation *
vz_outbox_peek_sendable (VzOutbox *self)
{
  GTreeNode *node;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), NULL);

  node = g_tree_node_first (self->sendable);
  return node != NULL ? ((VzOutboxEntry *) g_tree_node_value (node))->mutation : NULL;
}

gboolean
vz_outbox_is_sendable (VzOutbox   *self,
                       const char *id)
{
  VzOutboxEntry *entry;

  g_return_val_if_fail (VZ_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  entry = g_hash_table_lookup (self->by_id, id);
  return entry != NULL && entry->sendable;
}

guint
vz_outbox_get_n_sendable (VzOutbox *self)
{
  g_return_val_if_fail (VZ_IS_OUTBOX (self), 0);
  return (guint) g_tree_nnodes (self->sendable);
}
