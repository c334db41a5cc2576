/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-content-thumbnails"

#include "vz-content-thumbnails.h"

struct _VzContentThumbnails
{
  GObject      parent_instance;

  VzSession   *session;
  GHashTable  *cache;      /* url → GList link in @order (data: Entry) */
  GQueue       order;      /* Entry*, most recently used first */
  guint64      cached_bytes;
  guint64      cache_limit;
  GHashTable  *waiting;    /* url → GPtrArray of GTask */
  guint        requests;
  GCancellable *cancellable;
  gboolean     shared;     /* the one vz_content_thumbnails_for_session() gives */
};

typedef struct {
  char   *url;
  GBytes *bytes;
} Entry;

G_DEFINE_FINAL_TYPE (VzContentThumbnails, vz_content_thumbnails, G_TYPE_OBJECT)

/* On a session: its shared VzContentThumbnails, not a reference (the
 * cache holds the session; it takes itself off when disposed). */
static GQuark
shared_quark (void)
{
  return g_quark_from_static_string ("vz-content-thumbnails-shared");
}

enum {
  PROP_0,
  PROP_SESSION,
  PROP_CACHE_LIMIT,
  PROP_CACHED_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
entry_free (Entry *entry)
{
  g_free (entry->url);
  g_bytes_unref (entry->bytes);
  g_free (entry);
}

static void
set_cached_bytes (VzContentThumbnails *self,
                  guint64              bytes)
{
  if (self->cached_bytes == bytes)
    return;
  self->cached_bytes = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHED_BYTES]);
}

static void
trim (VzContentThumbnails *self)
{
  guint64 bytes = self->cached_bytes;

  while (bytes > self->cache_limit && self->order.tail != NULL)
    {
      Entry *oldest = g_queue_pop_tail (&self->order);

      bytes -= g_bytes_get_size (oldest->bytes);
      g_hash_table_remove (self->cache, oldest->url);
      entry_free (oldest);
    }
  set_cached_bytes (self, bytes);
}

static void
remember (VzContentThumbnails *self,
          const char          *url,
          GBytes              *bytes)
{
  Entry *entry;

  if (g_hash_table_contains (self->cache, url) || g_bytes_get_size (bytes) > self->cache_limit)
    return;
  entry = g_new0 (Entry, 1);
  entry->url = g_strdup (url);
  entry->bytes = g_bytes_ref (bytes);
  g_queue_push_head (&self->order, entry);
  g_hash_table_insert (self->cache, entry->url, self->order.head);
  self->cached_bytes += g_bytes_get_size (bytes);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHED_BYTES]);
  trim (self);
}

GBytes *
vz_content_thumbnails_lookup (VzContentThumbnails *self,
                              const char          *url)
{
  GList *link;
  Entry *entry;

  g_return_val_if_fail (VZ_IS_CONTENT_THUMBNAILS (self), NULL);

  link = url != NULL ? g_hash_table_lookup (self->cache, url) : NULL;
  if (link == NULL)
    return NULL;
  entry = link->data;
  g_queue_unlink (&self->order, link);
  g_queue_push_head_link (&self->order, link);
  return g_bytes_ref (entry->bytes);
}

typedef struct {
  VzContentThumbnails *self;
  char                *url;
} Fetch;

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(VzContentThumbnails) self = fetch->self;
  g_autofree char *url = fetch->url;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = vz_api_client_get_bytes_finish (VZ_API_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) tasks = NULL;
  g_autofree char *key = NULL;

  g_free (fetch);
  if (bytes != NULL)
    remember (self, url, bytes);
  else
    g_debug ("No thumbnail from %s: %s", url, error->message);
  if (!g_hash_table_steal_extended (self->waiting, url, (gpointer *) &key, (gpointer *) &tasks))
    return;
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (bytes != NULL)
        g_task_return_pointer (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

void
vz_content_thumbnails_load_async (VzContentThumbnails *self,
                                  const char          *url,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) cached = NULL;
  GPtrArray *tasks;
  Fetch *fetch;

  g_return_if_fail (VZ_IS_CONTENT_THUMBNAILS (self));
  g_return_if_fail (url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_content_thumbnails_load_async);
  if ((cached = vz_content_thumbnails_lookup (self, url)) != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&cached), (GDestroyNotify) g_bytes_unref);
      return;
    }
  tasks = g_hash_table_lookup (self->waiting, url);
  if (tasks != NULL)
    {
      g_ptr_array_add (tasks, g_steal_pointer (&task));
      return;
    }
  tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (tasks, g_steal_pointer (&task));
  g_hash_table_insert (self->waiting, g_strdup (url), tasks);
  fetch = g_new0 (Fetch, 1);
  fetch->self = g_object_ref (self);
  fetch->url = g_strdup (url);
  self->requests++;
  vz_api_client_get_bytes_limited_async (vz_session_get_api_client (self->session), url,
                                         VZ_CONTENT_THUMBNAIL_MAX_BYTES, self->cancellable, on_fetched, fetch);
}

GBytes *
vz_content_thumbnails_load_finish (VzContentThumbnails *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, vz_content_thumbnails_load_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint64
vz_content_thumbnails_get_cached_bytes (VzContentThumbnails *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_THUMBNAILS (self), 0);

  return self->cached_bytes;
}

guint
vz_content_thumbnails_get_requests (VzContentThumbnails *self)
{
  g_return_val_if_fail (VZ_IS_CONTENT_THUMBNAILS (self), 0);

  return self->requests;
}

static void
vz_content_thumbnails_dispose (GObject *object)
{
  VzContentThumbnails *self = VZ_CONTENT_THUMBNAILS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->shared && self->session != NULL)
    g_object_set_qdata (G_OBJECT (self->session), shared_quark (), NULL);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (vz_content_thumbnails_parent_class)->dispose (object);
}

static void
vz_content_thumbnails_finalize (GObject *object)
{
  VzContentThumbnails *self = VZ_CONTENT_THUMBNAILS (object);

  g_hash_table_destroy (self->cache);
  g_queue_clear_full (&self->order, (GDestroyNotify) entry_free);
  g_hash_table_destroy (self->waiting);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vz_content_thumbnails_parent_class)->finalize (object);
}

static void
vz_content_thumbnails_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  VzContentThumbnails *self = VZ_CONTENT_THUMBNAILS (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_CACHE_LIMIT:
      g_value_set_uint64 (value, self->cache_limit);
      break;
    case PROP_CACHED_BYTES:
      g_value_set_uint64 (value, self->cached_bytes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_content_thumbnails_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  VzContentThumbnails *self = VZ_CONTENT_THUMBNAILS (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    case PROP_CACHE_LIMIT:
      if (self->cache_limit != g_value_get_uint64 (value))
        {
          self->cache_limit = g_value_get_uint64 (value);
          trim (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_content_thumbnails_class_init (VzContentThumbnailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vz_content_thumbnails_dispose;
  object_class->finalize = vz_content_thumbnails_finalize;
  object_class->get_property = vz_content_thumbnails_get_property;
  object_class->set_property = vz_content_thumbnails_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, VZ_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE_LIMIT] =
    g_param_spec_uint64 ("cache-limit", NULL, NULL, 0, G_MAXUINT64, 16 * 1024 * 1024,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHED_BYTES] =
    g_param_spec_uint64 ("cached-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_content_thumbnails_init (VzContentThumbnails *self)
{
  self->cache = g_hash_table_new (g_str_hash, g_str_equal);
  self->waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->cancellable = g_cancellable_new ();
}

VzContentThumbnails *
vz_content_thumbnails_new (VzSession *session)
{
  g_return_val_if_fail (VZ_IS_SESSION (session), NULL);

  return g_object_new (VZ_TYPE_CONTENT_THUMBNAILS, "session", session, NULL);
}

VzContentThumbnails *
vz_content_thumbnails_for_session (VzSession *session)
{
  VzContentThumbnails *shared;

  g_return_val_if_fail (VZ_IS_SESSION (session), NULL);

  shared = g_object_get_qdata (G_OBJECT (session), shared_quark ());
  if (shared != NULL)
    return g_object_ref (shared);
  shared = vz_content_thumbnails_new (session);
  shared->shared = TRUE;
  g_object_set_qdata (G_OBJECT (session), shared_quark (), shared);
  return shared;
}
