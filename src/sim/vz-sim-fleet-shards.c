/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-sim"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vz-api-client.h"
#include "vz-realtime-client.h"
#include "vz-sim-fleet-private.h"
#include "vz-sim-screen.h"
#include "vz-sim-shard.h"

/* The shards' side of the fleet: what runs in a shard's thread (its
 * screens' start, ticks, faults, token and stop) and the calls the main
 * thread makes to its screens. */

/* The fleet tells an automatic screen when its pairing is complete; its own
 * checks are a fallback. */
#define FALLBACK_POLL_S        30
#define TICK_S                 1

static void
screen_report_cb (VzSimScreen *screen,
                  const char  *line,
                  gpointer     user_data)
{
  /* One line per event, flushed at once: tests and people read it live. */
  g_print ("%s: %s\n", vz_sim_screen_get_name (screen), line);
  fflush (stdout);
}

static void
screen_code_ready_cb (VzSimScreen *screen,
                      const char  *code,
                      gpointer     user_data)
{
  Shard *shard = user_data;
  Call *call;

  if (_vz_sim_fleet_screen_is_manual (screen))
    {
      g_print ("pairing code for %s: %s\n", vz_sim_screen_get_name (screen), code);
      fflush (stdout);
      return;
    }
  call = _vz_sim_fleet_call_new (_vz_sim_fleet_shard_call_complete, shard->fleet, screen);
  call->code = g_strdup (code);
  _vz_sim_fleet_call_main (call);
}

static void
screen_paired_cb (VzSimScreen *screen,
                  gpointer     user_data)
{
  Shard *shard = user_data;
  Call *call = _vz_sim_fleet_call_new (_vz_sim_fleet_main_paired, shard->fleet, screen);

  call->identifier = g_strdup (vz_sim_screen_get_device_identifier (screen));
  call->token = g_strdup (vz_sim_screen_get_device_token (screen));
  call->display = g_strdup (vz_sim_screen_get_display_id (screen));
  call->manual = _vz_sim_fleet_screen_is_manual (screen);
  _vz_sim_fleet_call_main (call);
}

static void
screen_unpaired_cb (VzSimScreen *screen,
                    gpointer     user_data)
{
  Shard *shard = user_data;
  Call *call = _vz_sim_fleet_call_new (_vz_sim_fleet_main_unpaired, shard->fleet, screen);

  /* A person removed it (or the server forgot it): from now on it waits for a
   * person, like a real screen showing its code, rather than re-pairing itself. */
  g_object_set_data (G_OBJECT (screen), "vz-sim-manual", GINT_TO_POINTER (1));
  call->identifier = g_strdup (vz_sim_screen_get_device_identifier (screen));
  _vz_sim_fleet_call_main (call);
}

/* An automatic screen refused a pairing code: the fleet finds out whether the
 * server holds it as paired already (see _vz_sim_fleet_main_refused()). */
static void
screen_code_refused_cb (VzSimScreen *screen,
                        const char  *why,
                        gpointer     user_data)
{
  Shard *shard = user_data;
  Call *call;

  if (_vz_sim_fleet_screen_is_manual (screen))
    return;
  call = _vz_sim_fleet_call_new (_vz_sim_fleet_main_refused, shard->fleet, screen);
  call->identifier = g_strdup (vz_sim_screen_get_device_identifier (screen));
  _vz_sim_fleet_call_main (call);
}

/* Gives @order's fault to the shard's screens among the first @count of the
 * fleet (screens are dealt to shards in turn). */
static void
shard_apply_fault (Shard            *shard,
                   const FaultOrder *order)
{
  guint n_shards = shard->fleet->shards->len;

  for (guint i = 0; shard->screens != NULL && i < shard->screens->len; i++)
    {
      VzSimScreen *screen = g_ptr_array_index (shard->screens, i);
      guint index = i * n_shards + shard->index;

      if (_vz_sim_fleet_screen_is_manual (screen))
        continue;
      if (order->fault == VZ_SIM_FAULT_NONE || index < order->count)
        vz_sim_screen_set_fault (screen, order->fault);
    }
}

gboolean
_vz_sim_fleet_shard_fault_cb (gpointer user_data)
{
  FaultCall *call = user_data;

  if (!call->shard->stopped)
    shard_apply_fault (call->shard, &call->order);
  return G_SOURCE_REMOVE;
}

static gboolean
shard_tick_cb (gpointer user_data)
{
  Shard *shard = user_data;
  gint64 now = g_get_monotonic_time ();
  double churn = shard->fleet->churn;
  /* RATE per screen per minute, spread evenly (as a Poisson rate) over the
   * ticks: a RATE of 1 still means about one drop a minute, not one a tick. */
  double p = 1.0 - exp (-churn * TICK_S / 60.0);
  gint online = 0;

  for (guint i = 0; i < shard->screens->len; i++)
    {
      VzSimScreen *screen = g_ptr_array_index (shard->screens, i);

      if (churn > 0 && vz_sim_screen_get_state (screen) == VZ_SIM_SCREEN_ONLINE &&
          g_rand_double (shard->rand) < p)
        vz_sim_screen_go_away (screen, g_rand_int_range (shard->rand, 5, 91), "dropped off");
      else
        vz_sim_screen_tick (screen, now);
      if (vz_sim_screen_get_state (screen) == VZ_SIM_SCREEN_ONLINE)
        online++;
    }
  g_atomic_int_set (&shard->online, online);
  return G_SOURCE_CONTINUE;
}


/* The shard's first call: its screens come to life in its thread. */
gboolean
_vz_sim_fleet_shard_start_cb (gpointer user_data)
{
  Shard *shard = user_data;
  VzSimFleet *fleet = shard->fleet;

  /* Pairing requests made on the admin's behalf are not held to the server's
   * per-client limit, which thousands of screens from one address would
   * exceed; _vz_sim_fleet_admin_token_changed_cb() passes on the admin's refreshed tokens. */
  for (guint i = 0; i < PUBLIC_CLIENTS; i++)
    shard->public_api[i] = g_object_new (VZ_TYPE_API_CLIENT, "base-url", fleet->api_url,
                                         "max-connections", MAX_PAIRING_IN_FLIGHT / PUBLIC_CLIENTS,
                                         "access-token", shard->start_token, NULL);
  g_clear_pointer (&shard->start_token, g_free);
  shard->realtime_sessions = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < shard->inits->len; i += SCREENS_PER_SESSION)
    g_ptr_array_add (shard->realtime_sessions,
                     vz_realtime_client_new_shared_session (fleet->server_url, 3 * SCREENS_PER_SESSION));
  shard->screens = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < shard->inits->len; i++)
    {
      ScreenInit *init = g_ptr_array_index (shard->inits, i);
      VzSimScreen *screen = vz_sim_screen_new (fleet->server_url, shard->public_api[i % PUBLIC_CLIENTS],
                                               g_ptr_array_index (shard->realtime_sessions,
                                                                  i / SCREENS_PER_SESSION),
                                               init->name, init->identifier, init->seed);

      g_object_set_data (G_OBJECT (screen), "vz-sim-shard", shard);
      if (init->manual)
        g_object_set_data (G_OBJECT (screen), "vz-sim-manual", GINT_TO_POINTER (1));
      else
        vz_sim_screen_set_poll_interval (screen, FALLBACK_POLL_S);
      g_signal_connect (screen, "report", G_CALLBACK (screen_report_cb), shard);
      g_signal_connect (screen, "code-ready", G_CALLBACK (screen_code_ready_cb), shard);
      g_signal_connect (screen, "paired", G_CALLBACK (screen_paired_cb), shard);
      g_signal_connect (screen, "unpaired", G_CALLBACK (screen_unpaired_cb), shard);
      g_signal_connect (screen, "code-refused", G_CALLBACK (screen_code_refused_cb), shard);
      g_ptr_array_add (shard->screens, screen);

      if (init->token != NULL)
        vz_sim_screen_resume (screen, init->token, init->display);
      else if (init->manual)
        vz_sim_screen_start_pairing (screen);
      else
        _vz_sim_fleet_call_main (_vz_sim_fleet_call_new (_vz_sim_fleet_main_add_waiting, fleet, screen));
    }

  for (guint i = 0; i < shard->start_faults->len; i++)
    shard_apply_fault (shard, &g_array_index (shard->start_faults, FaultOrder, i));

  shard->tick = g_timeout_source_new_seconds (TICK_S);
  g_source_set_callback (shard->tick, shard_tick_cb, shard, NULL);
  g_source_attach (shard->tick, g_main_context_get_thread_default ());
  return G_SOURCE_REMOVE;
}

typedef struct {
  Shard *shard;
  char  *token;
} TokenData;

static void
token_data_free (gpointer user_data)
{
  TokenData *data = user_data;

  g_free (data->token);
  g_free (data);
}

static gboolean
shard_set_token_cb (gpointer user_data)
{
  TokenData *data = user_data;

  for (guint i = 0; i < PUBLIC_CLIENTS; i++)
    if (data->shard->public_api[i] != NULL)
      vz_api_client_set_access_token (data->shard->public_api[i], data->token);
  return G_SOURCE_REMOVE;
}

void
_vz_sim_fleet_admin_token_changed_cb (VzApiClient *admin_api,
                                      GParamSpec  *pspec,
                                      gpointer     user_data)
{
  VzSimFleet *self = user_data;

  for (guint i = 0; i < self->shards->len; i++)
    {
      TokenData *data = g_new0 (TokenData, 1);

      data->shard = g_ptr_array_index (self->shards, i);
      data->token = g_strdup (vz_api_client_get_access_token (admin_api));
      vz_sim_shard_invoke (data->shard->thread, shard_set_token_cb, data, token_data_free);
    }
}

static void
shard_stop_screens (Shard *shard)
{
  shard->stopped = TRUE;
  if (shard->tick != NULL)
    {
      g_source_destroy (shard->tick);
      g_clear_pointer (&shard->tick, g_source_unref);
    }
  for (guint i = 0; shard->screens != NULL && i < shard->screens->len; i++)
    vz_sim_screen_stop (g_ptr_array_index (shard->screens, i));
  g_atomic_int_set (&shard->online, 0);
}

gboolean
_vz_sim_fleet_shard_stop_cb (gpointer user_data)
{
  shard_stop_screens (user_data);
  return G_SOURCE_REMOVE;
}

gboolean
_vz_sim_fleet_shard_teardown_cb (gpointer user_data)
{
  Shard *shard = user_data;

  shard_stop_screens (shard);
  g_clear_pointer (&shard->screens, g_ptr_array_unref);
  for (guint i = 0; i < PUBLIC_CLIENTS; i++)
    g_clear_object (&shard->public_api[i]);
  g_clear_pointer (&shard->realtime_sessions, g_ptr_array_unref);
  return G_SOURCE_REMOVE;
}

/* Calls from the main thread to a screen; a stopped shard takes none. */
static gboolean
shard_accepts (Call *call)
{
  return !_vz_sim_fleet_screen_shard (call->screen)->stopped &&
         vz_sim_screen_get_state (call->screen) != VZ_SIM_SCREEN_STOPPED;
}

void
_vz_sim_fleet_shard_start_pairing (Call *call)
{
  if (shard_accepts (call) && vz_sim_screen_get_state (call->screen) == VZ_SIM_SCREEN_IDLE)
    vz_sim_screen_start_pairing (call->screen);
}

void
_vz_sim_fleet_shard_poll_now (Call *call)
{
  if (shard_accepts (call))
    vz_sim_screen_poll_now (call->screen);
}

void
_vz_sim_fleet_shard_stop_screen (Call *call)
{
  if (shard_accepts (call))
    vz_sim_screen_stop (call->screen);
}


/* The admin's completion failed a while ago: try again if the screen still
 * shows the same code. */
void
_vz_sim_fleet_shard_retry_complete (Call *call)
{
  if (shard_accepts (call) &&
      g_strcmp0 (vz_sim_screen_get_code (call->screen), call->code) == 0 &&
      vz_sim_screen_get_state (call->screen) == VZ_SIM_SCREEN_PAIRING)
    {
      Call *again = _vz_sim_fleet_call_new (_vz_sim_fleet_shard_call_complete, call->fleet, call->screen);

      again->code = g_strdup (call->code);
      _vz_sim_fleet_call_main (again);
    }
}

