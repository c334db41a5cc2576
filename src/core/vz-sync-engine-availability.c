/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sync-engine"

/* The sync engine's availability: the connection state the header shows,
 * the network, the sign-in as the realtime link and REST see it, the
 * circuit breaker and the read retries. */

#include <glib/gi18n-lib.h>

#include "vz-session-private.h"
#include "vz-sync-engine-private.h"

#define properties _vz_sync_engine_properties

static gboolean
network_available (VzSyncEngine *self)
{
  return !self->network_matters || g_network_monitor_get_network_available (self->monitor);
}

void
_vz_sync_engine_update_state (VzSyncEngine *self)
{
  VzConnectionState state;
  VzRealtimeState rt = vz_realtime_client_get_state (self->realtime);

  _vz_sync_engine_update_sender (self);
  if (!self->started || !network_available (self))
    state = VZ_CONNECTION_STATE_OFFLINE;
  else if (self->auth_failed || rt == VZ_REALTIME_STATE_AUTH_FAILED ||
           vz_circuit_breaker_get_state (self->breaker) == VZ_CIRCUIT_STATE_OPEN)
    state = VZ_CONNECTION_STATE_UNAVAILABLE;
  else if (self->read_failed && self->snapshot_time != NULL)
    /* Working from the saved fleet: the server could not be read at all. */
    state = VZ_CONNECTION_STATE_OFFLINE;
  else if (self->read_failed || rt == VZ_REALTIME_STATE_RECONNECTING)
    state = self->loaded ? VZ_CONNECTION_STATE_RECONNECTING : VZ_CONNECTION_STATE_CONNECTING;
  else if (!self->loaded || rt != VZ_REALTIME_STATE_CONNECTED)
    state = VZ_CONNECTION_STATE_CONNECTING;
  else
    state = VZ_CONNECTION_STATE_ONLINE;

  if (state == self->state)
    return;
  g_debug ("Connection state: %s", vz_connection_state_to_label (state));
  /* Online until now: that is the last moment the server was known to answer. */
  if (self->state == VZ_CONNECTION_STATE_ONLINE || state == VZ_CONNECTION_STATE_ONLINE)
    _vz_sync_engine_mark_contact (self);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_LABEL]);
}

void
_vz_sync_engine_mark_contact (VzSyncEngine *self)
{
  self->last_contact = g_get_real_time ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_CONTACT]);
}

gboolean
_vz_sync_engine_on_retry_read (gpointer user_data)
{
  VzSyncEngine *self = user_data;

  self->retry_id = 0;
  _vz_sync_engine_start_read (self);
  return G_SOURCE_REMOVE;
}

/* Queued changes the server has not refused or met in conflict. */
static gboolean
has_changes_to_send (VzSyncEngine *self)
{
  return self->pending_count > self->failed_count + self->conflict_count;
}

static void
set_holding (VzSyncEngine *self,
             gboolean      holding)
{
  if (self->holding == holding)
    return;
  g_debug (holding ? "Holding back the changes made offline" : "No longer holding back changes");
  self->holding = holding;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLDING]);
}

void
_vz_sync_engine_update_sender (VzSyncEngine *self)
{
  VzRealtimeState rt;
  gboolean online;

  if (self->sender == NULL)
    return;
  /* Online: the realtime link is up, or (a server whose realtime side is
   * unreachable, e.g. behind a proxy) the last read worked and the link is
   * not in the middle of losing the server. */
  rt = vz_realtime_client_get_state (self->realtime);
  online = self->started && network_available (self) && !self->auth_failed &&
           (rt == VZ_REALTIME_STATE_CONNECTED ||
            (self->loaded && !self->read_failed && rt != VZ_REALTIME_STATE_RECONNECTING));

  /* Back in reach with changes made out of it: they wait for the person
   * when the settings say so. */
  if (online && !self->was_reachable && !self->send_offline_changes && has_changes_to_send (self))
    set_holding (self, TRUE);
  else if (self->holding && (self->send_offline_changes || !has_changes_to_send (self)))
    set_holding (self, FALSE);
  self->was_reachable = online;
  vz_outbox_sender_set_online (self->sender, online && !self->holding);
}

gboolean
vz_sync_engine_get_send_offline_changes (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), TRUE);
  return self->send_offline_changes;
}

void
vz_sync_engine_set_send_offline_changes (VzSyncEngine *self,
                                         gboolean      send)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  send = !!send;
  if (self->send_offline_changes == send)
    return;
  self->send_offline_changes = send;
  _vz_sync_engine_update_sender (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEND_OFFLINE_CHANGES]);
}

gboolean
vz_sync_engine_get_holding (VzSyncEngine *self)
{
  g_return_val_if_fail (VZ_IS_SYNC_ENGINE (self), FALSE);
  return self->holding;
}

void
vz_sync_engine_send_held (VzSyncEngine *self)
{
  g_return_if_fail (VZ_IS_SYNC_ENGINE (self));

  if (!self->holding)
    return;
  g_debug ("Sending the changes held back");
  set_holding (self, FALSE);
  _vz_sync_engine_update_sender (self);
}

gboolean
_vz_sync_engine_breaker_allows (VzSyncEngine *self)
{
  if (vz_circuit_breaker_allow (self->breaker, NULL))
    return TRUE;

  if (self->retry_id == 0 && self->started)
    {
      gint64 wait_ms = 1000;

      /* Open: when the probe may go. Half-open: someone else's probe is
       * out; look again shortly. */
      if (vz_circuit_breaker_get_state (self->breaker) == VZ_CIRCUIT_STATE_OPEN)
        wait_ms = CLAMP ((vz_circuit_breaker_get_retry_at (self->breaker) - g_get_monotonic_time ()) / 1000,
                         1000, (gint64) (vz_circuit_breaker_get_cooldown (self->breaker) * 1000));
      self->retry_id = g_timeout_add ((guint) wait_ms, _vz_sync_engine_on_retry_read, self);
    }
  return FALSE;
}

void
_vz_sync_engine_breaker_outcome (VzSyncEngine *self,
                                 const GError *error)
{
  if (error == NULL)
    vz_circuit_breaker_record_success (self->breaker);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else if (vz_api_error_is_unwell (error))
    vz_circuit_breaker_record_failure (self->breaker);
  else
    vz_circuit_breaker_record_success (self->breaker);
}

static void
refresh_availability (VzSyncEngine *self)
{
  g_autofree char *sentence = vz_circuit_breaker_describe (self->breaker);

  if (g_strcmp0 (sentence, self->availability) == 0)
    return;
  g_free (self->availability);
  self->availability = g_steal_pointer (&sentence);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABILITY]);
}

/* "… try again in 40 seconds" counts down while the breaker is open. */
static gboolean
on_availability_tick (gpointer user_data)
{
  VzSyncEngine *self = user_data;

  refresh_availability (self);
  return G_SOURCE_CONTINUE;
}

static void
on_breaker_state (VzCircuitBreaker *breaker,
                  GParamSpec       *pspec,
                  VzSyncEngine     *self)
{
  refresh_availability (self);
  if (vz_circuit_breaker_get_state (breaker) == VZ_CIRCUIT_STATE_OPEN)
    {
      if (self->breaker_timer == 0 && !g_cancellable_is_cancelled (self->life))
        self->breaker_timer = g_timeout_add_seconds (1, on_availability_tick, self);
    }
  else
    g_clear_handle_id (&self->breaker_timer, g_source_remove);
  if (vz_circuit_breaker_get_state (breaker) == VZ_CIRCUIT_STATE_CLOSED)
    {
      /* The server answers again: what waited goes now. */
      if (self->sender != NULL)
        vz_outbox_sender_kick (self->sender);
      if (self->started && (self->read_failed || !self->loaded) && !self->reading)
        _vz_sync_engine_start_read (self);
    }
  _vz_sync_engine_update_state (self);
}

static void
on_signed_in (VzSession    *session,
              GParamSpec   *pspec,
              VzSyncEngine *self)
{
  if (vz_session_get_signed_in (session) && self->started)
    _vz_sync_engine_open_outbox (self);
}

static void
on_realtime_connected (VzRealtimeClient *client,
                       VzSyncEngine     *self)
{
  self->auth_failed = FALSE;
  /* Whatever changed while we were away is only in the lists. */
  if (self->ever_connected)
    _vz_sync_engine_start_read (self);
  /* The server is back: queued changes go now, not after a pause. */
  if (self->sender != NULL)
    vz_outbox_sender_kick (self->sender);
  self->ever_connected = TRUE;
  _vz_sync_engine_update_state (self);
}

static void
on_token_checked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VzSyncEngine *self = user_data;
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(GError) error = NULL;

  /* A refresh on the way changed the token, which restarts the link.
   * Without one the refusal stands, and so does the state. */
  payload = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (payload == NULL)
    g_debug ("Checking the sign-in after a realtime refusal: %s", error->message);
  g_object_unref (self);
}

static void
on_realtime_state (VzRealtimeClient *client,
                   GParamSpec       *pspec,
                   VzSyncEngine     *self)
{
  _vz_sync_engine_link_changed (self, vz_realtime_client_get_state (client) == VZ_REALTIME_STATE_CONNECTED);
  if (vz_realtime_client_get_state (client) == VZ_REALTIME_STATE_AUTH_FAILED)
    {
      const char *why = vz_realtime_client_get_last_error (client);

      _vz_sync_engine_set_last_error (self, why != NULL ? why : _("The server no longer accepts this sign-in."));

      /* Access tokens are short-lived (15 minutes on the platform) and the
       * realtime link cannot refresh them; one REST call can. Once per token,
       * so a server that refuses for another reason is not hammered. */
      if (self->started && !self->token_checked)
        {
          self->token_checked = TRUE;
          vz_api_client_request_async (self->api, "GET", "/auth/me", NULL, self->cancellable,
                                       on_token_checked, g_object_ref (self));
        }
    }
  _vz_sync_engine_update_state (self);
}

/* Both a refresh and a new sign-in on the same session land here. */
static void
on_access_token (VzApiClient  *api,
                 GParamSpec   *pspec,
                 VzSyncEngine *self)
{
  const char *token = vz_api_client_get_access_token (api);

  vz_realtime_client_set_token (self->realtime, token);
  self->token_checked = FALSE;
  if (token == NULL || !self->started)
    {
      _vz_sync_engine_update_state (self);
      return;
    }

  if (self->auth_failed)
    {
      self->auth_failed = FALSE;
      if (!self->loaded || self->read_failed)
        _vz_sync_engine_start_read (self);
    }
  if (vz_realtime_client_get_state (self->realtime) == VZ_REALTIME_STATE_AUTH_FAILED)
    vz_realtime_client_start (self->realtime);
  _vz_sync_engine_update_state (self);
}

static void
on_unauthorized (VzApiClient  *api,
                 VzSyncEngine *self)
{
  /* The refresh was refused: nothing will work until someone signs in again. */
  self->auth_failed = TRUE;
  _vz_sync_engine_set_last_error (self, _("Your session has expired. Please sign in again."));
  _vz_sync_engine_update_state (self);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    VzSyncEngine    *self)
{
  gboolean was_up = self->network_was_up;

  /* Monitors report every route change; only a real transition matters. */
  self->network_was_up = available;
  if (!self->started || !self->network_matters)
    return;

  if (available && !was_up)
    {
      /* Back: reconnect at once instead of waiting out the backoff. */
      if (vz_realtime_client_get_state (self->realtime) != VZ_REALTIME_STATE_CONNECTED)
        {
          vz_realtime_client_stop (self->realtime);
          vz_realtime_client_set_token (self->realtime, vz_api_client_get_access_token (self->api));
          vz_realtime_client_start (self->realtime);
        }
      g_clear_handle_id (&self->retry_id, g_source_remove);
      _vz_sync_engine_start_read (self);
    }
  _vz_sync_engine_update_state (self);
}


void
_vz_sync_engine_availability_init (VzSyncEngine *self)
{
  g_signal_connect_object (self->realtime, "connected", G_CALLBACK (on_realtime_connected), self, 0);
  g_signal_connect_object (self->realtime, "notify::state", G_CALLBACK (on_realtime_state), self, 0);
  g_signal_connect_object (self->api, "notify::access-token", G_CALLBACK (on_access_token), self, 0);
  g_signal_connect_object (self->api, "unauthorized", G_CALLBACK (on_unauthorized), self, 0);
  g_signal_connect_object (self->breaker, "notify::state", G_CALLBACK (on_breaker_state), self, 0);
  g_signal_connect_object (self->session, "notify::signed-in", G_CALLBACK (on_signed_in), self, 0);

  /* A server on this machine is reachable whatever the network does. A
   * monitor handed in at construction is authoritative, though: that is how
   * an embedder (or a test) says what the network is doing. */
  if (self->monitor != NULL)
    self->network_matters = TRUE;
  else
    {
      self->network_matters = !_vz_url_is_loopback (vz_session_get_server_url (self->session)) ||
                              !_vz_url_is_loopback (vz_session_get_realtime_url (self->session));
      self->monitor = g_object_ref (g_network_monitor_get_default ());
    }
  self->network_was_up = g_network_monitor_get_network_available (self->monitor);
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (on_network_changed), self, 0);
}
