/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-server"

#include "config.h"

#include <string.h>

#include "vz-server-private.h"

/*
 * Slowing down what an unauthenticated peer can repeat: sign-in attempts
 * (per account and per client, growing with failures; docs/sign-in-throttling.md
 * says why it is shaped this way), and plain rates (so many per minute per
 * key) for pairing requests and realtime connects.
 *
 * A client is an IPv4 address, or the /64 network of an IPv6 address: one
 * machine gets a whole /64 from SLAAC and could otherwise pose as millions.
 */

struct _VzBackoffRecord {
  guint  failures;      /* counted attempts, those in flight included */
  gint64 last;          /* when the last one was counted (ms) */
  gint64 next_allowed;  /* no attempt is evaluated before this (ms) */
};

struct _VzRateRecord {
  guint  next;          /* index of the oldest entry in times */
  gint64 times[];       /* the last VzRate.limit admissions (ms), 0 = none */
};

/* --- clients ------------------------------------------------------------- */

char *
_vz_request_client_key (VzRequest *req)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (req->msg);
  GInetAddress *address;
  const guint8 *bytes;

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return g_strdup ("unknown");
  address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));
  bytes = g_inet_address_to_bytes (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    return g_inet_address_to_string (address);

  /* ::ffff:a.b.c.d is an IPv4 peer on a dual-stack socket. */
  if (memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
    return g_strdup_printf ("%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);
  return g_strdup_printf ("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64",
                          bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
}

static void
set_retry_after (VzRequest *req,
                 gint64     wait_ms)
{
  gint64 seconds = MAX ((wait_ms + 999) / 1000, 1);

  g_object_set_data_full (G_OBJECT (req->msg), "vz-retry-after",
                          g_strdup_printf ("%" G_GINT64_FORMAT, seconds), g_free);
}

/* --- backoff (sign-in) --------------------------------------------------- */

void
_vz_backoff_init (VzBackoff *backoff,
                  guint      free_attempts,
                  gint64     first_delay_ms,
                  gint64     max_delay_ms)
{
  backoff->free_attempts = free_attempts;
  backoff->first_delay_ms = MIN (first_delay_ms, max_delay_ms);
  backoff->max_delay_ms = max_delay_ms;
  backoff->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
_vz_backoff_clear (VzBackoff *backoff)
{
  g_clear_pointer (&backoff->records, g_hash_table_unref);
}

/* The wait after @failures counted attempts: none for the first free ones,
 * then the first delay, doubling with each further one up to the maximum. */
static gint64
backoff_delay (const VzBackoff *backoff,
               guint            failures)
{
  guint doublings;

  if (failures < backoff->free_attempts)
    return 0;
  doublings = failures - backoff->free_attempts;
  if (doublings >= 40 || (backoff->first_delay_ms << doublings) >= backoff->max_delay_ms)
    return backoff->max_delay_ms;
  return backoff->first_delay_ms << doublings;
}

static gint64
backoff_wait (const VzBackoff *backoff,
              const char      *key,
              gint64           now)
{
  VzBackoffRecord *record = g_hash_table_lookup (backoff->records, key);

  return record != NULL && record->next_allowed > now ? record->next_allowed - now : 0;
}

static void
backoff_forget_old (VzBackoff *backoff,
                    gint64     now)
{
  GHashTableIter iter;
  VzBackoffRecord *record;

  g_hash_table_iter_init (&iter, backoff->records);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &record))
    if (record->next_allowed <= now && record->last < now - VZ_SIGN_IN_FORGET_MS)
      g_hash_table_iter_remove (&iter);
}

/* Room for a record of @key: FALSE only when the table is full of records
 * that are still needed. */
static gboolean
backoff_has_room (VzBackoff  *backoff,
                  const char *key,
                  gint64      now)
{
  if (g_hash_table_contains (backoff->records, key) ||
      g_hash_table_size (backoff->records) < VZ_THROTTLE_MAX_RECORDS)
    return TRUE;
  backoff_forget_old (backoff, now);
  return g_hash_table_size (backoff->records) < VZ_THROTTLE_MAX_RECORDS;
}

static void
backoff_count (VzBackoff  *backoff,
               const char *key,
               gint64      now)
{
  VzBackoffRecord *record = g_hash_table_lookup (backoff->records, key);

  if (record == NULL)
    {
      record = g_new0 (VzBackoffRecord, 1);
      g_hash_table_insert (backoff->records, g_strdup (key), record);
    }
  record->failures++;
  record->last = now;
  record->next_allowed = MAX (record->next_allowed, now + backoff_delay (backoff, record->failures));
}

static guint
backoff_failures (VzBackoff  *backoff,
                  const char *key)
{
  VzBackoffRecord *record = g_hash_table_lookup (backoff->records, key);

  return record != NULL ? record->failures : 0;
}

gint64
_vz_sign_in_take (VzServer   *self,
                  const char *account,
                  const char *client,
                  gint64      now)
{
  gint64 wait = backoff_wait (&self->sign_in_clients, client, now);

  /* A client with no failure on record is not held back by the account's
   * wait: that wait may be another address's doing, and the one admin must
   * not be locked out by it. Its own attempt still counts for both. */
  if (backoff_failures (&self->sign_in_clients, client) > 0)
    {
      gint64 account_wait = backoff_wait (&self->sign_in_accounts, account, now);

      wait = MAX (wait, account_wait);
    }

  if (wait == 0 &&
      (!backoff_has_room (&self->sign_in_clients, client, now) ||
       !backoff_has_room (&self->sign_in_accounts, account, now)))
    wait = 60 * 1000;
  if (wait > 0)
    return wait;

  /* Counted as a failure before the password is checked, so that attempts
   * sent together are held back as if the earlier ones had already failed. */
  backoff_count (&self->sign_in_clients, client, now);
  backoff_count (&self->sign_in_accounts, account, now);
  return 0;
}

gboolean
_vz_sign_in_admit (VzServer    *self,
                   VzRequest   *req,
                   const char  *account,
                   const char  *client,
                   GError     **error)
{
  gint64 wait = _vz_sign_in_take (self, account, client, req->now);

  if (wait == 0)
    return TRUE;
  set_retry_after (req, wait);
  g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_RATE_LIMITED,
               "Too many sign-in attempts. Try again in %" G_GINT64_FORMAT " seconds.",
               MAX ((wait + 999) / 1000, 1));
  return FALSE;
}

void
_vz_sign_in_succeeded (VzServer   *self,
                       const char *account,
                       const char *client)
{
  VzBackoffRecord *record = g_hash_table_lookup (self->sign_in_clients.records, client);

  /* The account's owner is in: its failures stop counting. The client's other
   * failures stay (they may be guesses at other accounts); only this
   * attempt, counted in advance, is taken back. */
  g_hash_table_remove (self->sign_in_accounts.records, account);
  if (record != NULL && record->failures > 0)
    record->failures--;
}

/* --- rates (pairing requests, realtime connects) ------------------------- */

void
_vz_rate_init (VzRate *rate,
               guint   limit,
               gint64  window_ms)
{
  g_assert (limit > 0);
  rate->limit = limit;
  rate->window_ms = window_ms;
  rate->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
_vz_rate_clear (VzRate *rate)
{
  g_clear_pointer (&rate->records, g_hash_table_unref);
}

static void
rate_forget_old (VzRate *rate,
                 gint64  now)
{
  GHashTableIter iter;
  VzRateRecord *record;

  g_hash_table_iter_init (&iter, rate->records);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &record))
    {
      guint newest = (record->next + rate->limit - 1) % rate->limit;

      if (record->times[newest] <= now - rate->window_ms)
        g_hash_table_iter_remove (&iter);
    }
}

gint64
_vz_rate_take (VzRate     *rate,
               const char *key,
               gint64      now)
{
  VzRateRecord *record = g_hash_table_lookup (rate->records, key);
  gint64 oldest;

  if (record == NULL)
    {
      if (g_hash_table_size (rate->records) >= VZ_THROTTLE_MAX_RECORDS)
        rate_forget_old (rate, now);
      if (g_hash_table_size (rate->records) >= VZ_THROTTLE_MAX_RECORDS)
        return rate->window_ms;
      record = g_malloc0 (sizeof (VzRateRecord) + rate->limit * sizeof (gint64));
      g_hash_table_insert (rate->records, g_strdup (key), record);
    }

  /* The oldest of the last @limit admissions must have left the window. */
  oldest = record->times[record->next];
  if (oldest != 0 && oldest > now - rate->window_ms)
    return oldest + rate->window_ms - now;
  record->times[record->next] = now;
  record->next = (record->next + 1) % rate->limit;
  return 0;
}

gboolean
_vz_rate_admit (VzRate     *rate,
                VzRequest  *req,
                const char *key,
                const char *what,
                GError    **error)
{
  gint64 wait = _vz_rate_take (rate, key, req->now);

  if (wait == 0)
    return TRUE;
  set_retry_after (req, wait);
  g_set_error (error, VZ_SERVER_ERROR, VZ_SERVER_ERROR_RATE_LIMITED,
               "Too many %s from this address. Try again in %" G_GINT64_FORMAT " seconds.",
               what, MAX ((wait + 999) / 1000, 1));
  return FALSE;
}

/* --- upkeep -------------------------------------------------------------- */

void
_vz_server_throttle_init (VzServer *self)
{
  _vz_backoff_init (&self->sign_in_accounts, self->sign_in_account_free,
                    self->sign_in_first_delay_ms, VZ_SIGN_IN_ACCOUNT_MAX_DELAY_MS);
  _vz_backoff_init (&self->sign_in_clients, self->sign_in_client_free,
                    self->sign_in_first_delay_ms, VZ_SIGN_IN_CLIENT_MAX_DELAY_MS);
  _vz_rate_init (&self->pairing_rate, self->pairing_rate_limit, 60 * 1000);
  _vz_rate_init (&self->connect_rate, self->connect_rate_limit, 60 * 1000);
}

void
_vz_server_throttle_clear (VzServer *self)
{
  _vz_backoff_clear (&self->sign_in_accounts);
  _vz_backoff_clear (&self->sign_in_clients);
  _vz_rate_clear (&self->pairing_rate);
  _vz_rate_clear (&self->connect_rate);
}

void
_vz_server_throttle_maintenance (VzServer *self,
                                 gint64    now)
{
  backoff_forget_old (&self->sign_in_accounts, now);
  backoff_forget_old (&self->sign_in_clients, now);
  rate_forget_old (&self->pairing_rate, now);
  rate_forget_old (&self->connect_rate, now);
}
