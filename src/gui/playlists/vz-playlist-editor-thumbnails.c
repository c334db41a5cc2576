/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-playlist-editor"

#include "config.h"

#include "vz-playlist-editor-private.h"

/*
 * The items' thumbnails for the editor's rows: the bytes through the
 * content library's VzContentThumbnails (its memory cache, one request for
 * several rows asking at once), read into a texture in a worker thread so
 * that a row coming into sight never holds up a frame, and kept as textures
 * for the rows that show the same content again.
 */

/* Textures kept (a playlist often repeats its content: few are distinct). */
#define MAX_TEXTURES 256

void
_vz_playlist_editor_set_thumbnails (VzPlaylistEditor *self,
                                    VzSession        *session)
{
  g_clear_object (&self->thumbnails);
  if (self->textures != NULL)
    g_hash_table_remove_all (self->textures);
  if (session != NULL)
    self->thumbnails = vz_content_thumbnails_for_session (session);
}

void
_vz_playlist_editor_clear_thumbnails (VzPlaylistEditor *self)
{
  g_clear_object (&self->thumbnails);
  g_clear_pointer (&self->textures, g_hash_table_unref);
}

GdkTexture *
_vz_playlist_editor_lookup_thumbnail (VzPlaylistEditor *self,
                                      const char       *url)
{
  g_assert (VZ_IS_PLAYLIST_EDITOR (self));

  return self->textures != NULL ? g_hash_table_lookup (self->textures, url) : NULL;
}

static void
decode_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  GdkTexture *texture = gdk_texture_new_from_bytes (task_data, &error);

  if (texture == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture, g_object_unref);
}

static void
decoded_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VzPlaylistEditor *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), &error);

  if (texture == NULL)
    {
      g_debug ("A thumbnail could not be read: %s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->textures == NULL)
    self->textures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  if (g_hash_table_size (self->textures) >= MAX_TEXTURES)
    g_hash_table_remove_all (self->textures);
  g_hash_table_replace (self->textures, g_strdup (g_task_get_task_data (task)), g_object_ref (texture));
  g_task_return_pointer (task, texture, g_object_unref);
}

static void
decode (GTask  *task,
        GBytes *bytes)
{
  GTask *decoding = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task), decoded_cb, task);

  g_task_set_source_tag (decoding, decode);
  g_task_set_task_data (decoding, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (decoding, decode_in_thread);
  g_object_unref (decoding);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = vz_content_thumbnails_load_finish (VZ_CONTENT_THUMBNAILS (source), result, &error);

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("A thumbnail could not be fetched: %s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  decode (g_steal_pointer (&task), bytes);
}

void
_vz_playlist_editor_load_thumbnail_async (VzPlaylistEditor    *self,
                                          const char          *url,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) cached = NULL;
  GdkTexture *texture;

  g_assert (VZ_IS_PLAYLIST_EDITOR (self));
  g_assert (url != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _vz_playlist_editor_load_thumbnail_async);
  g_task_set_task_data (task, g_strdup (url), g_free);
  if ((texture = _vz_playlist_editor_lookup_thumbnail (self, url)) != NULL)
    {
      g_task_return_pointer (task, g_object_ref (texture), g_object_unref);
      return;
    }
  if (self->thumbnails == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "Not signed in");
      return;
    }
  if ((cached = vz_content_thumbnails_lookup (self->thumbnails, url)) != NULL)
    {
      decode (g_steal_pointer (&task), cached);
      return;
    }
  vz_content_thumbnails_load_async (self->thumbnails, url, cancellable, fetched_cb, g_steal_pointer (&task));
}

/**
 * _vz_playlist_editor_load_thumbnail_finish:
 *
 * Returns: (transfer full) (nullable): the thumbnail
 */
GdkTexture *
_vz_playlist_editor_load_thumbnail_finish (VzPlaylistEditor  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  g_assert (VZ_IS_PLAYLIST_EDITOR (self));
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_pointer (G_TASK (result), error);
}
