/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-device-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-display-resource.h"
#include "vz-screenshot-loader.h"
#include "vz-device-detail-private.h"

/*
 * The screenshot: the button asks the engine, the screen answers by the
 * engine's "realtime-event::screenshot:ready" with an address, the core fetches it
 * (vz-screenshot-loader.h, with its size limit) and a worker thread decodes
 * it. The pane shows a spinner until then, and a sentence when it fails.
 */

/* A screen that has not answered by then is not going to. */
#define SCREENSHOT_TIMEOUT_S 30

static void
show_screenshot_state (VzDeviceDetail *self,
                       const char     *state)
{
  gboolean waiting = g_str_equal (state, "waiting");

  g_assert (VZ_IS_DEVICE_DETAIL (self));

  self->waiting_for_screenshot = waiting;
  gtk_spinner_set_spinning (self->screenshot_spinner, waiting);
  gtk_stack_set_visible_child_name (self->screenshot_stack, state);
  gtk_widget_set_sensitive (self->screenshot_button, _vz_device_detail_can_write (self) && !waiting);
  if (!waiting)
    g_clear_handle_id (&self->screenshot_timeout_id, g_source_remove);
}

static void
show_screenshot_error (VzDeviceDetail *self,
                       const char     *message)
{
  gtk_label_set_label (self->screenshot_error, message);
  show_screenshot_state (self, "error");
}

/* Decoding a picture of several megabytes would drop frames on the main loop. */
static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = gdk_texture_new_from_bytes (bytes, &error);

  if (texture == NULL)
    {
      g_debug ("Screenshot not decoded: %s", error->message);
      g_task_return_new_error (task, VZ_SCREENSHOT_ERROR, VZ_SCREENSHOT_ERROR_NOT_A_PICTURE,
                               _("The screen sent a screenshot that is not a picture."));
      return;
    }
  g_task_return_pointer (task, texture, g_object_unref);
}

static void
decoded_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (texture == NULL)
    {
      show_screenshot_error (self, error->message);
      return;
    }

  gtk_picture_set_paintable (self->screenshot_picture, GDK_PAINTABLE (texture));
  show_screenshot_state (self, "picture");
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzDeviceDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = vz_screenshot_loader_fetch_finish (result, &error);
  g_autoptr(GTask) task = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bytes == NULL)
    {
      show_screenshot_error (self, error->message);
      return;
    }

  task = g_task_new (self, self->screenshot_cancellable, decoded_cb, NULL);
  g_task_set_source_tag (task, fetched_cb);
  g_task_set_task_data (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, decode_thread);
}

void
_vz_device_detail_on_screenshot_ready (VzDeviceDetail *self,
                                       const char     *name,
                                       JsonNode       *payload,
                                       VzSyncEngine   *engine)
{
  VzScreenshotReady shot;

  g_assert (VZ_IS_DEVICE_DETAIL (self));

  if (!self->waiting_for_screenshot || self->display == NULL || !vz_screenshot_ready_parse (payload, &shot))
    return;
  if (g_strcmp0 (shot.device_id, vz_entity_get_id (VZ_ENTITY (self->display))) != 0)
    return;

  vz_screenshot_loader_fetch_async (vz_sync_engine_get_session (engine), shot.url, VZ_SCREENSHOT_MAX_BYTES,
                                    self->screenshot_cancellable, fetched_cb, g_object_ref (self));
}

static gboolean
screenshot_timeout (gpointer user_data)
{
  VzDeviceDetail *self = user_data;

  self->screenshot_timeout_id = 0;
  if (self->waiting_for_screenshot)
    show_screenshot_error (self, _("The screen did not send a screenshot within 30 seconds. It may be busy or its connection may be poor."));
  return G_SOURCE_REMOVE;
}

static void
screenshot_requested_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(VzDeviceDetail) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_request_screenshot_finish (VZ_SYNC_ENGINE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_CONFLICT))
        show_screenshot_error (self, _("This screen is offline, so it cannot take a screenshot. Try again when it is back online."));
      else
        show_screenshot_error (self, error->message);
      return;
    }

  /* The picture may already be here (it comes over the live connection). */
  if (self->waiting_for_screenshot && self->screenshot_timeout_id == 0)
    self->screenshot_timeout_id = g_timeout_add_seconds (SCREENSHOT_TIMEOUT_S, screenshot_timeout, self);
}

static void
on_screenshot_clicked (VzDeviceDetail *self)
{
  g_assert (VZ_IS_DEVICE_DETAIL (self));

  if (self->display == NULL || self->engine == NULL || self->waiting_for_screenshot)
    return;

  show_screenshot_state (self, "waiting");
  vz_sync_engine_request_screenshot_async (self->engine,
                                           vz_entity_get_id (VZ_ENTITY (self->display)),
                                           self->screenshot_cancellable,
                                           screenshot_requested_cb,
                                           g_object_ref (self));
}

void
_vz_device_detail_reset_screenshot (VzDeviceDetail *self)
{
  g_cancellable_cancel (self->screenshot_cancellable);
  g_clear_object (&self->screenshot_cancellable);
  self->screenshot_cancellable = g_cancellable_new ();
  gtk_picture_set_paintable (self->screenshot_picture, NULL);
  show_screenshot_state (self, "none");
}

void
_vz_device_detail_class_screenshot_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_screenshot_clicked);
}
