/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizora-realtime"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "vz-api-error.h"
#include "vz-realtime-client-private.h"
#include "vz-socketio.h"
#include "vz-wire-error.h"

/* What the client sends: events, acknowledgements of the server's events,
 * and the acknowledgements it waits for in turn. */

/* ---- pending acks ---- */

void
_vz_realtime_pending_ack_free (VzRealtimePendingAck *pending)
{
  g_clear_pointer (&pending->timeout, vz_timer_free);
  if (pending->cancel_id != 0)
    g_cancellable_disconnect (pending->cancellable, pending->cancel_id);
  g_clear_object (&pending->cancellable);
  g_clear_object (&pending->task);
  g_free (pending);
}

/* Removes the pending ack from the table and completes its task with @error. */
static void
pending_ack_fail (VzRealtimeClient *self,
                  gint64            ack_id,
                  GError           *error)
{
  VzRealtimePendingAck *pending = g_hash_table_lookup (self->pending_acks, &ack_id);
  g_autoptr(GTask) task = NULL;

  if (pending == NULL)
    return;
  task = g_steal_pointer (&pending->task);
  g_hash_table_remove (self->pending_acks, &ack_id);
  g_task_return_error (task, g_error_copy (error));
}

static void
pending_ack_timeout_cb (gpointer user_data)
{
  VzRealtimePendingAck *pending = user_data;
  g_autoptr(GError) error = NULL;

  error = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_TIMEOUT,
                               _("The server did not answer in time."));
  pending_ack_fail (pending->self, pending->ack_id, error);
}

typedef struct {
  VzRealtimeClient *self;
  gint64            ack_id;
} CancelData;

static gboolean
pending_ack_cancelled_idle (gpointer user_data)
{
  CancelData *data = user_data;
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 _("The request was cancelled."));

  pending_ack_fail (data->self, data->ack_id, error);
  g_object_unref (data->self);
  g_free (data);
  return G_SOURCE_REMOVE;
}

static void
pending_ack_cancelled_cb (GCancellable *cancellable,
                          gpointer      user_data)
{
  VzRealtimePendingAck *pending = user_data;
  CancelData *data = g_new0 (CancelData, 1);

  /* Not completed here: g_cancellable_disconnect() from inside the handler
   * (as pending_ack_free does) would deadlock. */
  data->self = g_object_ref (pending->self);
  data->ack_id = pending->ack_id;
  g_idle_add (pending_ack_cancelled_idle, data);
}

void
_vz_realtime_client_fail_all_pending_acks (VzRealtimeClient *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) keys = NULL;

  if (g_hash_table_size (self->pending_acks) == 0)
    return;
  error = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                               _("The connection to the server was lost before it answered."));
  keys = g_hash_table_get_keys (self->pending_acks);
  for (GList *l = keys; l != NULL; l = l->next)
    pending_ack_fail (self, *(gint64 *) l->data, error);
}

/* ---- sending ---- */

/* @text is a complete Engine.IO packet, NUL-terminated. */
gboolean
_vz_realtime_client_send_packet (VzRealtimeClient *self,
                                 const char       *text,
                                 gsize             len)
{
  switch (self->transport)
    {
    case TRANSPORT_WEBSOCKET:
      if (self->ws == NULL || soup_websocket_connection_get_state (self->ws) != SOUP_WEBSOCKET_STATE_OPEN)
        return FALSE;
      soup_websocket_connection_send_text (self->ws, text);
      return TRUE;

    case TRANSPORT_POLLING:
      if (self->eio_sid == NULL)
        return FALSE;
      vz_eio_payload_append (self->outgoing, text, len);
      _vz_realtime_client_post_outgoing (self);
      return TRUE;

    case TRANSPORT_NONE:
    default:
      return FALSE;
    }
}

/* ---- public API: sending ---- */

gboolean
vz_realtime_client_emit (VzRealtimeClient *self,
                         const char       *event,
                         JsonNode         *payload)
{
  g_autofree char *text = NULL;
  gsize len;

  g_return_val_if_fail (VZ_IS_REALTIME_CLIENT (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  if (self->state != VZ_REALTIME_STATE_CONNECTED)
    return FALSE;
  text = vz_sio_encode_event (NULL, VZ_SIO_NO_ACK, event, payload, &len);
  /* The server would drop the whole connection for it. */
  if (len > self->max_payload)
    return FALSE;
  return _vz_realtime_client_send_packet (self, text, len);
}

void
vz_realtime_client_emit_with_ack_async (VzRealtimeClient    *self,
                                        const char          *event,
                                        JsonNode            *payload,
                                        guint                timeout_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *text = NULL;
  VzRealtimePendingAck *pending;
  gsize len;

  g_return_if_fail (VZ_IS_REALTIME_CLIENT (self));
  g_return_if_fail (event != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vz_realtime_client_emit_with_ack_async);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->state != VZ_REALTIME_STATE_CONNECTED)
    {
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                               _("Not connected to the realtime server."));
      return;
    }

  if (self->next_ack_id >= VZ_SIO_MAX_ACK_ID)
    self->next_ack_id = 0;
  pending = g_new0 (VzRealtimePendingAck, 1);
  pending->self = self;
  pending->ack_id = self->next_ack_id++;
  pending->task = g_object_ref (task);
  text = vz_sio_encode_event (NULL, pending->ack_id, event, payload, &len);
  if (len > self->max_payload)
    {
      g_task_return_new_error (task, VZ_API_ERROR, VZ_API_ERROR_BAD_REQUEST,
                               _("The message is too large for the server (%lu bytes; it accepts %lu)."),
                               (unsigned long) len, (unsigned long) self->max_payload);
      g_object_unref (pending->task);
      g_free (pending);
      return;
    }
  g_hash_table_insert (self->pending_acks, &pending->ack_id, pending);
  if (timeout_ms > 0)
    {
      pending->timeout = vz_timer_new (pending_ack_timeout_cb, pending);
      vz_timer_arm (pending->timeout, timeout_ms);
    }
  if (cancellable != NULL)
    {
      pending->cancellable = g_object_ref (cancellable);
      pending->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (pending_ack_cancelled_cb), pending, NULL);
    }

  if (!_vz_realtime_client_send_packet (self, text, len))
    {
      g_autoptr(GError) error = g_error_new_literal (VZ_API_ERROR, VZ_API_ERROR_NETWORK,
                                                     _("Not connected to the realtime server."));
      pending_ack_fail (self, pending->ack_id, error);
    }
}

JsonNode *
vz_realtime_client_emit_with_ack_finish (VzRealtimeClient  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  g_return_val_if_fail (VZ_IS_REALTIME_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vz_realtime_client_emit_with_ack_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vz_realtime_client_ack (VzRealtimeClient *self,
                        gint64            ack_id,
                        JsonNode         *payload)
{
  g_autofree char *text = NULL;
  gsize len;

  g_return_if_fail (VZ_IS_REALTIME_CLIENT (self));
  g_return_if_fail (ack_id >= 0 && ack_id <= VZ_SIO_MAX_ACK_ID);

  if (self->state != VZ_REALTIME_STATE_CONNECTED)
    return;
  text = vz_sio_encode_ack (NULL, ack_id, payload, &len);
  if (len <= self->max_payload)
    _vz_realtime_client_send_packet (self, text, len);
}
