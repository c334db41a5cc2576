/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-hub"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <glib-unix.h>
#include <gio/gio.h>

#include "vz-hub-private.h"

/* ---- WebSocket links ------------------------------------------------------ */

#define WS_READ_CHUNK   65536
/* A peer with this much unwritten output is not keeping up: drop it rather than grow. */
#define WS_OUT_LIMIT    (16 * 1024 * 1024)


void
_vz_hub_link_free (VzHubLink *link)
{
  g_clear_object (&link->stream);
  g_clear_pointer (&link->inbuf, g_byte_array_unref);
  g_clear_pointer (&link->message, g_byte_array_unref);
  g_clear_pointer (&link->outbuf, g_byte_array_unref);
  g_free (link);
}

static void
link_watch (VzHub     *self,
            VzHubLink *link,
            gboolean   want_out)
{
  struct epoll_event ev = { 0, };

  if (link->closed || link->watching_out == want_out)
    return;
  ev.events = EPOLLIN | (want_out ? EPOLLOUT : 0);
  ev.data.ptr = link;
  epoll_ctl (self->epoll_fd, EPOLL_CTL_MOD, link->fd, &ev);
  link->watching_out = want_out;
}

/* Writes what the socket takes now; FALSE when the connection failed. */
static gboolean
link_write (VzHub     *self,
            VzHubLink *link)
{
  while (link->out_sent < link->outbuf->len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (link->out),
                                                             link->outbuf->data + link->out_sent,
                                                             link->outbuf->len - link->out_sent,
                                                             NULL, &error);
      if (n < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              link_watch (self, link, TRUE);
              return TRUE;
            }
          g_debug ("WebSocket write failed: %s", error->message);
          return FALSE;
        }
      link->out_sent += (gsize) n;
    }
  g_byte_array_set_size (link->outbuf, 0);
  link->out_sent = 0;
  link_watch (self, link, FALSE);
  return TRUE;
}


static void
hub_schedule_flush (VzHub *self)
{
  GSource *source;

  if (self->flush_id != 0)
    return;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, _vz_hub_flush_cb, self, NULL);
  g_source_set_static_name (source, "[vizora] hub flush");
  self->flush_id = g_source_attach (source, self->context);
  g_source_unref (source);
}

void
_vz_hub_cancel_flush (VzHub *self)
{
  GSource *source;

  if (self->flush_id == 0)
    return;
  source = g_main_context_find_source_by_id (self->context, self->flush_id);
  if (source != NULL)
    g_source_destroy (source);
  self->flush_id = 0;
}

/* Frees the closed links that no list points at any more (see Link). */
void
_vz_hub_reap_links (VzHub *self)
{
  guint kept = 0;

  for (guint i = 0; i < self->dead_links->len; i++)
    {
      VzHubLink *link = g_ptr_array_index (self->dead_links, i);

      g_assert (link->closed);
      if (link->dirty)
        self->dead_links->pdata[kept++] = link;
      else
        _vz_hub_link_free (link);
    }
  g_ptr_array_set_size (self->dead_links, kept);
}

gboolean
_vz_hub_flush_cb (gpointer user_data)
{
  VzHub *self = user_data;
  g_autoptr(GPtrArray) links = g_steal_pointer (&self->dirty_links);

  self->flush_id = 0;
  self->dirty_links = g_ptr_array_new ();
  for (guint i = 0; i < links->len; i++)
    {
      VzHubLink *link = g_ptr_array_index (links, i);

      link->dirty = FALSE;
      if (!link->closed && !link->watching_out && !link_write (self, link))
        _vz_hub_link_fail (link, "the connection broke while writing");
    }
  _vz_hub_reap_links (self);
  return G_SOURCE_REMOVE;
}

static void
link_queue_frame (VzHub      *self,
                  VzHubLink  *link,
                  guint8      opcode,
                  const char *data,
                  gsize       len)
{
  guint8 header[10];
  gsize header_len;

  if (link->closed)
    return;
  if (link->outbuf->len - link->out_sent + len > WS_OUT_LIMIT)
    {
      _vz_hub_link_fail (link, "it does not read what it is sent");
      return;
    }

  header[0] = 0x80 | opcode;
  if (len < 126)
    {
      header[1] = (guint8) len;
      header_len = 2;
    }
  else if (len <= G_MAXUINT16)
    {
      header[1] = 126;
      header[2] = (guint8) (len >> 8);
      header[3] = (guint8) len;
      header_len = 4;
    }
  else
    {
      header[1] = 127;
      for (int i = 0; i < 8; i++)
        header[2 + i] = (guint8) ((guint64) len >> (56 - 8 * i));
      header_len = 10;
    }
  g_byte_array_append (link->outbuf, header, header_len);
  g_byte_array_append (link->outbuf, (const guint8 *) data, len);

  /* Written once per main-loop turn, however many frames pile up meanwhile. */
  if (!link->dirty && !link->watching_out)
    {
      link->dirty = TRUE;
      g_ptr_array_add (self->dirty_links, link);
      hub_schedule_flush (self);
    }
}

void
_vz_hub_link_send_text (VzHubLink  *link,
                        const char *text,
                        gsize       len)
{
  link_queue_frame (link->peer->hub, link, 0x1, text, len);
}

/* Takes the link out of the epoll set and closes the socket; the memory goes later. */
void
_vz_hub_link_shutdown (VzHub      *self,
                       VzHubLink  *link,
                       gushort     code)
{
  if (link->closed)
    return;

  if (code != 0)
    {
      guint8 payload[2] = { (guint8) (code >> 8), (guint8) code };

      link_queue_frame (self, link, 0x8, (const char *) payload, 2);
      if (!link->closed)
        link_write (self, link);
    }
  link->closed = TRUE;
  epoll_ctl (self->epoll_fd, EPOLL_CTL_DEL, link->fd, NULL);
  g_io_stream_close (link->stream, NULL, NULL);
  link->peer = NULL;
  g_ptr_array_add (self->dead_links, link);
  hub_schedule_flush (self);
}

/* Parses every complete frame in inbuf. */
static void
link_parse (VzHub     *self,
            VzHubLink *link)
{
  gsize pos = 0;

  while (!link->closed)
    {
      const guint8 *b = link->inbuf->data + pos;
      gsize avail = link->inbuf->len - pos;
      gboolean fin;
      guint8 opcode;
      guint64 len;
      gsize header = 2;
      guint8 mask[4];
      guint8 *payload;

      if (avail < 2)
        break;
      fin = (b[0] & 0x80) != 0;
      opcode = b[0] & 0x0f;
      if ((b[0] & 0x70) != 0)
        {
          _vz_hub_link_fail (link, "it sent a WebSocket frame with reserved bits set");
          return;
        }
      if ((b[1] & 0x80) == 0)
        {
          _vz_hub_link_fail (link, "it sent an unmasked WebSocket frame");
          return;
        }
      len = b[1] & 0x7f;
      if (len == 126)
        {
          if (avail < 4)
            break;
          len = ((guint64) b[2] << 8) | b[3];
          header = 4;
        }
      else if (len == 127)
        {
          if (avail < 10)
            break;
          len = 0;
          for (int i = 0; i < 8; i++)
            len = (len << 8) | b[2 + i];
          header = 10;
        }
      if (len > self->max_payload ||
          (link->fragmented ? link->message->len : 0) + len > self->max_payload)
        {
          _vz_hub_link_fail (link, "it sent a WebSocket message larger than maxPayload");
          return;
        }
      if (avail < header + 4 + len)
        break;

      memcpy (mask, b + header, 4);
      payload = (guint8 *) b + header + 4;
      for (guint64 i = 0; i < len; i++)
        payload[i] ^= mask[i & 3];
      pos += header + 4 + len;

      switch (opcode)
        {
        case 0x0: /* continuation */
          if (!link->fragmented)
            {
              _vz_hub_link_fail (link, "it continued a WebSocket message it never began");
              return;
            }
          g_byte_array_append (link->message, payload, (guint) len);
          if (fin)
            {
              link->fragmented = FALSE;
              _vz_hub_link_message (link, (const char *) link->message->data, link->message->len);
              if (link->message != NULL)
                g_byte_array_set_size (link->message, 0);
            }
          break;
        case 0x1: /* text */
          if (link->fragmented)
            {
              _vz_hub_link_fail (link, "it began a WebSocket message inside another");
              return;
            }
          if (fin)
            _vz_hub_link_message (link, (const char *) payload, (gsize) len);
          else
            {
              link->fragmented = TRUE;
              g_byte_array_append (link->message, payload, (guint) len);
            }
          break;
        case 0x2: /* binary */
          _vz_hub_link_fail (link, "it sent a binary frame, which this server does not accept");
          return;
        case 0x8: /* close: closing the peer answers with a close frame */
          _vz_hub_link_fail (link, "it closed the WebSocket");
          return;
        case 0x9: /* ping */
          if (!fin || len > 125)
            {
              _vz_hub_link_fail (link, "it sent a malformed WebSocket ping");
              return;
            }
          link_queue_frame (self, link, 0xA, (const char *) payload, (gsize) len);
          break;
        case 0xA: /* pong */
          break;
        default:
          _vz_hub_link_fail (link, "it sent a WebSocket frame of an unknown kind");
          return;
        }
    }

  if (link->inbuf != NULL && pos > 0)
    g_byte_array_remove_range (link->inbuf, 0, (guint) pos);
}

void
_vz_hub_link_read (VzHub     *self,
                   VzHubLink *link)
{
  guint8 chunk[WS_READ_CHUNK];

  /* Level-triggered: one read per wake-up keeps peers fair; the rest comes next turn. */
  for (int round = 0; round < 4 && !link->closed; round++)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (link->in), chunk,
                                                           sizeof chunk, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return;
      if (n <= 0)
        {
          _vz_hub_link_fail (link, n == 0 ? "the WebSocket closed" : "the WebSocket broke");
          return;
        }
      g_byte_array_append (link->inbuf, chunk, (guint) n);
      link_parse (self, link);
      if ((gsize) n < sizeof chunk)
        return;
    }
}

gboolean
_vz_hub_epoll_cb (int          fd,
                  GIOCondition condition,
                  gpointer     user_data)
{
  VzHub *self = user_data;
  struct epoll_event events[256];
  int n = epoll_wait (self->epoll_fd, events, G_N_ELEMENTS (events), 0);

  g_object_ref (self);
  for (int i = 0; i < n; i++)
    {
      VzHubLink *link = events[i].data.ptr;

      /* A link closed earlier in this batch is parked in dead_links, not freed. */
      if (link->closed)
        continue;
      if (events[i].events & EPOLLOUT)
        {
          if (!link_write (self, link))
            {
              _vz_hub_link_fail (link, "the connection broke while writing");
              continue;
            }
        }
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
        _vz_hub_link_read (self, link);
    }
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

/* The socket under a stream libsoup handed over: libsoup tags the streams of
 * connections it accepted itself; a connection given to it with
 * soup_server_accept_iostream() comes back wrapped in its "base-iostream". */
static GSocket *
stream_get_socket (GIOStream *stream)
{
  GSocket *socket = g_object_get_data (G_OBJECT (stream), "GSocket");
  g_autoptr(GIOStream) base = NULL;

  if (socket != NULL)
    return socket;
  if (G_IS_SOCKET_CONNECTION (stream))
    return g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (stream), "base-iostream") == NULL)
    return NULL;
  g_object_get (stream, "base-iostream", &base, NULL);
  if (base == NULL || !G_IS_SOCKET_CONNECTION (base))
    return NULL;
  /* The connection (and so its socket) lives as long as the wrapper. */
  return g_socket_connection_get_socket (G_SOCKET_CONNECTION (base));
}

VzHubLink *
_vz_hub_link_new (VzHub     *self,
                  GIOStream *stream)
{
  GSocket *socket = stream_get_socket (stream);
  VzHubLink *link;
  struct epoll_event ev = { 0, };

  if (socket == NULL || !G_IS_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream)) ||
      !G_IS_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream)))
    return NULL;

  link = g_new0 (VzHubLink, 1);
  link->stream = g_object_ref (stream);
  link->in = g_io_stream_get_input_stream (stream);
  link->out = g_io_stream_get_output_stream (stream);
  link->fd = g_socket_get_fd (socket);
  link->inbuf = g_byte_array_new ();
  link->message = g_byte_array_new ();
  link->outbuf = g_byte_array_new ();

  ev.events = EPOLLIN;
  ev.data.ptr = link;
  if (epoll_ctl (self->epoll_fd, EPOLL_CTL_ADD, link->fd, &ev) != 0)
    {
      g_message ("Could not watch a WebSocket: %s", g_strerror (errno));
      _vz_hub_link_free (link);
      return NULL;
    }
  return link;
}
