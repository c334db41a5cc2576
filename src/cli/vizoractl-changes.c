/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vizoractl"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vz-display.h"
#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-merge.h"
#include "vz-circuit-breaker.h"
#include "vz-mutation.h"
#include "vz-outbox.h"
#include "vz-outbox-sender.h"
#include "vz-session.h"
#include "vz-snapshot.h"
#include "vz-store.h"

#include "vizoractl-private.h"

/* ------------------------------------------------------------------------ */
/* Changes through the outbox: the account's queue, sending, `outbox`       */

/*
 * vizoractl changes go through the same durable queue as the app: the
 * account's outbox journal (VzOutbox), replayed by a VzOutboxSender with
 * Idempotency-Key and If-Match. A change is written durably first, then sent
 * when the server can be reached; otherwise it waits in the queue for
 * `vizoractl outbox flush` (or the app) to send it. The `set` and `delete`
 * commands, and naming a screen, are in vizoractl-set.c.
 */


void
changes_clear (Changes *ch)
{
  if (ch->sender != NULL)
    {
      g_signal_handlers_disconnect_by_data (ch->sender, ch);
      vz_outbox_sender_set_online (ch->sender, FALSE);
    }
  if (ch->outbox != NULL)
    g_signal_handlers_disconnect_by_data (ch->outbox, ch);
  g_clear_object (&ch->sender);
  g_clear_object (&ch->breaker);
  g_clear_object (&ch->outbox);
  g_clear_object (&ch->fleet);
  g_clear_pointer (&ch->outbox_path, g_free);
  g_clear_pointer (&ch->offline_reason, g_free);
  g_clear_pointer (&ch->target, g_free);
  g_clear_pointer (&ch->stopped, g_free);
  g_clear_pointer (&ch->outcome, g_free);
}

void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* The server is away (or not itself): a change can wait for it. */
gboolean
is_unreachable_error (const GError *error)
{
  return g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_NETWORK) ||
         g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_TIMEOUT) ||
         g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_SERVER) ||
         g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_INVALID_RESPONSE) ||
         error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR;
}

static char *
account_file (const char *server_url)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, server_url, -1);
  g_autofree char *name = NULL;

  /* Beside the token: where this server's account keeps its queue, so that
   * changes can be queued while the server cannot say who we are. */
  hash[16] = '\0';
  name = g_strdup_printf ("account-%s", hash);
  return g_build_filename (g_get_user_config_dir (), "vizora", name, NULL);
}

/* The account an outbox belongs to: this user on this server, spelled as
 * VzSyncEngine spells it, so the app and vizoractl share one queue. */
static char *
account_id_for (const char *server_url,
                const char *user_id)
{
  return g_strdup_printf ("%s %s", server_url, user_id);
}

/* The signed-in account's queue; remembered for this server, so that later
 * changes can be queued while the server cannot say who we are. */
char *
remember_account (Cli *cli)
{
  g_autofree char *user_id = NULL;
  g_autofree char *account = NULL;
  g_autofree char *remembered = account_file (cli->server_url);
  g_autofree char *dir = g_path_get_dirname (remembered);
  char *outbox_path;

  g_object_get (cli->session, "user-id", &user_id, NULL);
  account = account_id_for (cli->server_url, user_id);
  outbox_path = vz_outbox_path_for_account (account);
  /* Not fatal: only offline use later needs it. */
  if (g_mkdir_with_parents (dir, 0700) == 0)
    g_file_set_contents_full (remembered, outbox_path, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
  return outbox_path;
}

/*
 * Finds the account's queue and opens it. With a token, asks the server who
 * we are (GET /auth/me); a server that cannot be reached leaves us offline
 * with the queue remembered from the last time it could. Returns FALSE with
 * cli->status set when nothing can be done.
 */
gboolean
open_account (Cli      *cli,
              Changes  *ch,
              gboolean  need_token)
{
  g_autofree char *token = load_token (cli->server_url);
  g_autofree char *remembered = account_file (cli->server_url);
  g_autoptr(GError) error = NULL;

  ch->cli = cli;
  if (token == NULL && need_token)
    {
      fail (cli, EXIT_AUTH, _("You are not signed in to %s. Run “vizoractl login” or set VIZORA_TOKEN."),
            cli->server_url);
      return FALSE;
    }

  if (token != NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;

      vz_session_resume_async (cli->session, token, NULL, keep_result, &result);
      if (vz_session_resume_finish (cli->session, wait_result (&result), &error))
        {
          ch->outbox_path = remember_account (cli);
          ch->online = TRUE;
        }
      else if (!is_unreachable_error (error))
        {
          fail (cli, status_for_error (error), "%s", error->message);
          return FALSE;
        }
      else
        ch->offline_reason = g_strdup (error->message);
      g_clear_error (&error);
    }

  if (ch->outbox_path == NULL)
    {
      if (!g_file_get_contents (remembered, &ch->outbox_path, NULL, NULL))
        {
          fail (cli, EXIT_FAILED,
                _("The server %s cannot be reached, and vizoractl has not worked with it on this computer "
                  "before, so it does not know your account’s queue. Try again when the server is reachable."),
                cli->server_url);
          return FALSE;
        }
      g_strstrip (ch->outbox_path);
    }

  ch->outbox = vz_outbox_new (ch->outbox_path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  if (ch->outbox == NULL)
    {
      if (g_error_matches (error, VZ_OUTBOX_ERROR, VZ_OUTBOX_ERROR_BUSY))
        fail (cli, EXIT_FAILED,
              _("The Vizora app has this account’s pending changes open. Make the change there, or close the app first."));
      else
        fail (cli, EXIT_FAILED, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* Makes every state change so far durable before the process ends. */
static gboolean
settle_journal (Changes *ch)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_outbox_flush_async (ch->outbox, NULL, keep_result, &result);
  if (!vz_outbox_flush_finish (ch->outbox, wait_result (&result), &error))
    {
      fail (ch->cli, EXIT_FAILED, "%s", error->message);
      return FALSE;
    }
  if (ch->fleet != NULL && ch->fleet_changed && !vz_snapshot_save (ch->fleet, &error))
    g_debug ("%s", error->message);
  ch->fleet_changed = FALSE;
  return TRUE;
}

/* --- sending ------------------------------------------------------------ */

/*
 * A 412: the record changed since the change was made. The core's merge
 * (vz-merge.h) says which fields someone else changed too: none, and the
 * change is sent again on the new base; some, and it waits for a decision,
 * never overwriting theirs.
 */
static gboolean
merge_change (VzOutboxSender  *sender,
              VzMutation      *m,
              JsonObject      *current,
              char           **sentence,
              gpointer         user_data)
{
  const VzResource *resource = vz_resource_lookup (vz_mutation_get_entity_kind (m));
  g_autoptr(JsonObject) theirs = resource != NULL ? vz_merge_conflicts (resource, m, current) : NULL;
  g_autoptr(GList) members = NULL;

  if (theirs == NULL)
    {
      *sentence = g_strdup_printf (_("Someone else changed this screen since. Look at it again, then run "
                                     "“vizoractl outbox retry %s” to send the change anyway or "
                                     "“vizoractl outbox discard %s” to drop it."),
                                   vz_mutation_get_id (m), vz_mutation_get_id (m));
      return FALSE;
    }

  members = json_object_get_members (theirs);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *their_value = json_object_get_member (theirs, name);
      JsonNode *mine = json_object_get_member (vz_mutation_get_changes (m), name);
      const char *theirs_text, *mine_text;

      if (g_str_equal (name, "updatedAt") || mine == NULL)
        continue;
      theirs_text = JSON_NODE_HOLDS_VALUE (their_value) && json_node_get_value_type (their_value) == G_TYPE_STRING
                    ? json_node_get_string (their_value) : "";
      mine_text = JSON_NODE_HOLDS_VALUE (mine) && json_node_get_value_type (mine) == G_TYPE_STRING
                  ? json_node_get_string (mine) : "";
      *sentence = g_strdup_printf (_("Someone else changed the %s to “%s” meanwhile (yours: “%s”). "
                                     "Keep theirs with “vizoractl outbox discard %s”, or set yours again."),
                                   name, theirs_text, mine_text, vz_mutation_get_id (m));
      return FALSE;
    }
  return TRUE;
}

static void
check_done (Changes *ch)
{
  /* Nothing in flight or waiting for a retry, and nothing that could go:
   * what is left (if anything) waits for a person. */
  if (ch->sending == 0 && vz_outbox_get_n_sendable (ch->outbox) == 0)
    {
      if (ch->target != NULL && !ch->target_committed && ch->outcome == NULL && ch->stopped == NULL &&
          vz_outbox_lookup (ch->outbox, ch->target) != NULL)
        ch->blocked = TRUE;
      ch->done = TRUE;
    }
}

static void
on_state_changed (VzOutbox        *outbox,
                  VzMutation      *m,
                  VzMutationState  old_state,
                  Changes         *ch)
{
  VzMutationState state = vz_mutation_get_state (m);

  if (state == VZ_MUTATION_STATE_SENDING && old_state != VZ_MUTATION_STATE_SENDING)
    ch->sending++;
  else if (old_state == VZ_MUTATION_STATE_SENDING && state != VZ_MUTATION_STATE_SENDING)
    {
      ch->sending--;
      if (state == VZ_MUTATION_STATE_QUEUED)
        {
          /* The sender gave the turn back: the server is away (network,
           * circuit breaker) or the sign-in ended. Waiting would only wait. */
          const char *why = vz_mutation_get_last_error (m);

          /* While the breaker is open its sentence says when it tries again. */
          if (ch->stopped == NULL && ch->breaker != NULL)
            ch->stopped = vz_circuit_breaker_describe (ch->breaker);
          if (ch->stopped == NULL)
            ch->stopped = g_strdup (why != NULL ? why : _("The server stopped answering."));
          ch->done = TRUE;
          return;
        }
    }
  check_done (ch);
}

static void
on_removed (VzOutbox        *outbox,
            VzMutation      *m,
            VzOutboxRemoval  why,
            Changes         *ch)
{
  if (vz_mutation_get_state (m) == VZ_MUTATION_STATE_SENDING)
    ch->sending--;
  check_done (ch);
}

static void
on_committed (VzOutboxSender *sender,
              VzMutation     *m,
              JsonNode       *answer,
              gboolean        replayed,
              Changes        *ch)
{
  ch->committed++;
  /* The saved fleet follows what the server now has. */
  if (ch->fleet != NULL && g_strcmp0 (vz_mutation_get_entity_kind (m), "display") == 0)
    {
      VzStore *displays = vz_snapshot_get_store (ch->fleet, vz_display_resource.snapshot_member);

      if (g_str_equal (vz_mutation_get_method (m), "DELETE"))
        ch->fleet_changed |= vz_store_remove (displays, vz_mutation_get_entity_id (m));
      else if (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) &&
               vz_store_lookup (displays, vz_mutation_get_entity_id (m)) != NULL &&
               vz_store_upsert_json (displays, json_node_get_object (answer), NULL) != NULL)
        ch->fleet_changed = TRUE;
    }
  if (ch->target != NULL && g_str_equal (vz_mutation_get_id (m), ch->target))
    {
      ch->target_committed = TRUE;
      ch->done = TRUE;
    }
}

static void
on_failed (VzOutboxSender *sender,
           VzMutation     *m,
           GError         *error,
           Changes        *ch)
{
  ch->failed++;
  if (ch->target != NULL && g_str_equal (vz_mutation_get_id (m), ch->target))
    {
      ch->outcome = g_strdup (error->message);
      ch->done = TRUE;
    }
}

static void
on_conflict (VzOutboxSender *sender,
             VzMutation     *m,
             JsonNode       *current,
             Changes        *ch)
{
  ch->conflicts++;
  if (ch->target != NULL && g_str_equal (vz_mutation_get_id (m), ch->target))
    {
      const char *why = vz_mutation_get_last_error (m);

      ch->outcome = g_strdup (why != NULL ? why : _("Someone else changed this screen since."));
      ch->done = TRUE;
    }
}

/* The local fleet server (on this machine) honours If-Match; the Vizora
 * platform does not, so there the sender reads before it writes. The same
 * rule as the app's engine. */
static gboolean
is_local_server (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* Sends until @target (or, when NULL, the whole queue) is settled.
 * @rebase_to (nullable): send @target on this updatedAt (keep mine). */
static void
send_queue (Changes    *ch,
            const char *target,
            const char *rebase_to)
{
  VzApiClient *api = vz_session_get_api_client (ch->cli->session);
  g_autoptr(VzRetryPolicy) policy = vz_retry_policy_new ();

  g_assert (ch->online && ch->sender == NULL);

  ch->target = g_strdup (target);
  ch->breaker = vz_circuit_breaker_new ();
  ch->sender = vz_outbox_sender_new (api, ch->outbox, policy, ch->breaker);
  vz_outbox_sender_set_merge_func (ch->sender, merge_change, NULL, NULL);
  vz_outbox_sender_set_if_match_supported (ch->sender, is_local_server (ch->cli->server_url));
  g_signal_connect (ch->sender, "committed", G_CALLBACK (on_committed), ch);
  g_signal_connect (ch->sender, "failed", G_CALLBACK (on_failed), ch);
  g_signal_connect (ch->sender, "conflict", G_CALLBACK (on_conflict), ch);
  g_signal_connect (ch->outbox, "mutation-state-changed", G_CALLBACK (on_state_changed), ch);
  g_signal_connect (ch->outbox, "mutation-removed", G_CALLBACK (on_removed), ch);
  if (rebase_to != NULL)
    vz_outbox_sender_rebase (ch->sender, vz_outbox_lookup (ch->outbox, target), rebase_to);

  check_done (ch);
  if (ch->done)
    return;
  vz_outbox_sender_set_online (ch->sender, TRUE);
  while (!ch->done)
    g_main_context_iteration (NULL, TRUE);
  vz_outbox_sender_set_online (ch->sender, FALSE);
}

static void
print_queued (Changes *ch,
              const char *why)
{
  if (why != NULL)
    g_print (_("Queued: the server is not reachable (%s) Run “vizoractl outbox flush” later.\n"), why);
  else
    g_print (_("Queued: the server is not reachable. Run “vizoractl outbox flush” later.\n"));
}

/* Enqueues @m durably, then sends it when online and says what happened. */
int
queue_and_send (Changes    *ch,
                VzMutation *m,
                const char *done_text)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup (vz_mutation_get_id (m));

  vz_outbox_enqueue_async (ch->outbox, m, NULL, keep_result, &result);
  if (!vz_outbox_enqueue_finish (ch->outbox, wait_result (&result), &error))
    {
      fail (ch->cli, EXIT_FAILED, "%s", error->message);
      return ch->cli->status;
    }

  if (!ch->online)
    {
      print_queued (ch, ch->offline_reason);
      return settle_journal (ch) ? EXIT_OK : EXIT_FAILED;
    }

  send_queue (ch, id, NULL);
  if (!settle_journal (ch))
    return EXIT_FAILED;
  if (ch->target_committed)
    {
      g_print ("%s\n", done_text);
      return EXIT_OK;
    }
  if (ch->outcome != NULL)
    {
      fail (ch->cli, EXIT_FAILED, _("%s The change stays in the queue (see “vizoractl outbox list”)."), ch->outcome);
      return EXIT_FAILED;
    }
  if (ch->blocked)
    {
      /* Nothing overtakes a change that did not land: it is queued, in order. */
      g_print (_("Queued: it waits behind an earlier change of this screen that did not go through. "
                 "See “vizoractl outbox list”.\n"));
      return EXIT_OK;
    }
  print_queued (ch, ch->stopped);
  return EXIT_OK;
}

/* A string member of JSON a peer sent, or @fallback: any other type (an
 * array where a name should be) is treated as missing, never a critical. */
const char *
peer_string (JsonObject *object,
             const char *name,
             const char *fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  return json_node_get_string (node);
}

/* --- outbox ------------------------------------------------------------- */

static char *
describe_mutation (VzMutation *m)
{
  JsonObject *changes = vz_mutation_get_changes (m);
  JsonObject *previous = vz_mutation_get_previous (m);
  const char *label = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (previous != NULL)
    label = peer_string (previous, "name",
              peer_string (previous, "nickname", NULL));
  if (label == NULL)
    label = vz_mutation_get_entity_id (m) != NULL ? vz_mutation_get_entity_id (m) : "";

  g_string_append_printf (text, "%s %s “%s”", vz_mutation_op_to_string (vz_mutation_get_operation (m)),
                          vz_mutation_get_entity_kind (m), label);
  if (changes != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (changes);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (changes, l->data);
          g_autofree char *shown = json_to_string (value, FALSE);

          g_string_append_printf (text, "%s%s=%s", l == members ? ": " : ", ", (const char *) l->data, shown);
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
outbox_list (Changes  *ch,
             gboolean  json)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (ch->outbox));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VzMutation) m = g_list_model_get_item (G_LIST_MODEL (ch->outbox), i);

      if (json)
        {
          g_autoptr(JsonNode) node = vz_mutation_to_json (m);
          g_autofree char *line = json_to_string (node, FALSE);

          g_print ("%s\n", line);
        }
      else
        {
          g_autofree char *text = describe_mutation (m);
          const char *why = vz_mutation_get_last_error (m);

          g_print ("%s\t%s\t%s%s%s\n", vz_mutation_get_id (m), vz_mutation_state_to_string (vz_mutation_get_state (m)),
                   text, why != NULL ? "\t" : "", why != NULL ? why : "");
        }
    }
  return EXIT_OK;
}

static int
outbox_flush (Changes *ch)
{
  guint left;

  if (!ch->online)
    {
      if (ch->offline_reason != NULL)
        fail (ch->cli, EXIT_FAILED, _("The server %s cannot take changes now (%s) %u changes stay queued."),
              ch->cli->server_url, ch->offline_reason, vz_outbox_get_count (ch->outbox));
      else
        fail (ch->cli, EXIT_FAILED, _("The server %s is not reachable; %u changes stay queued."),
              ch->cli->server_url, vz_outbox_get_count (ch->outbox));
      return EXIT_FAILED;
    }
  send_queue (ch, NULL, NULL);
  if (!settle_journal (ch))
    return EXIT_FAILED;

  left = vz_outbox_get_count (ch->outbox);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Sent %u change.", "Sent %u changes.", ch->committed), ch->committed);
  if (left > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, " %u change is still queued.", " %u changes are still queued.", left), left);
  g_print ("\n");
  if (ch->stopped != NULL)
    {
      fail (ch->cli, EXIT_FAILED, _("Sending stopped: %s"), ch->stopped);
      return EXIT_FAILED;
    }
  if (left > 0)
    {
      fail (ch->cli, EXIT_FAILED, _("Some changes were refused or met a colleague’s change; see “vizoractl outbox list”."));
      return EXIT_FAILED;
    }
  return EXIT_OK;
}

int
cmd_outbox (Cli   *cli,
            int    argc,
            char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("list: one JSON object per change"), NULL },
    { NULL }
  };
  g_auto(Changes) ch = { 0, };
  g_autoptr(GError) error = NULL;
  const char *verb;
  gboolean needs_id;

  if (!parse_command_options ("outbox", "[list|count|flush|retry ID|discard ID]",
                              _("Shows and sends the changes waiting for the server."), entries, &argc, &argv))
    return EXIT_USAGE;
  verb = argc >= 2 ? argv[1] : "list";
  needs_id = g_str_equal (verb, "discard") || g_str_equal (verb, "retry");
  if (!(g_str_equal (verb, "list") || g_str_equal (verb, "count") || g_str_equal (verb, "flush") || needs_id) ||
      argc > (needs_id ? 3 : 2) || (needs_id && argc != 3))
    {
      g_printerr ("vizoractl outbox: %s\n", _("Use list, count, flush, retry ID or discard ID."));
      return EXIT_USAGE;
    }

  /* Looking at the queue works without a server; sending needs one. */
  if (!open_account (cli, &ch, g_str_equal (verb, "flush") || g_str_equal (verb, "retry")))
    return cli->status;

  if (g_str_equal (verb, "list"))
    return outbox_list (&ch, json);
  if (g_str_equal (verb, "count"))
    {
      g_print ("%u\n", vz_outbox_get_count (ch.outbox));
      return EXIT_OK;
    }
  if (g_str_equal (verb, "flush"))
    return outbox_flush (&ch);
  if (g_str_equal (verb, "discard"))
    {
      if (!vz_outbox_discard (ch.outbox, argv[2], &error))
        {
          fail (cli, EXIT_FAILED, _("No queued change has the id “%s”."), argv[2]);
          return EXIT_FAILED;
        }
      if (!settle_journal (&ch))
        return EXIT_FAILED;
      g_print (_("Discarded.\n"));
      return EXIT_OK;
    }

  /* retry */
  {
    VzMutation *m = vz_outbox_lookup (ch.outbox, argv[2]);
    gboolean was_conflict = m != NULL && vz_mutation_get_state (m) == VZ_MUTATION_STATE_CONFLICT;
    g_autofree char *rebase_to = NULL;

    if (was_conflict && ch.online)
      {
        /* Retrying a conflict means "keep mine": send it on the server's
         * current version, which the person has now seen. */
        g_autoptr(GAsyncResult) result = NULL;
        g_autoptr(JsonNode) current = NULL;
        VzApiClient *api = vz_session_get_api_client (cli->session);

        vz_api_client_request_async (api, "GET", vz_mutation_get_path (m), NULL, NULL, keep_result, &result);
        current = vz_api_client_request_finish (api, wait_result (&result), &error);
        if (current == NULL)
          {
            fail (cli, status_for_error (error), "%s", error->message);
            return cli->status;
          }
        if (JSON_NODE_HOLDS_OBJECT (current))
          rebase_to = g_strdup (peer_string (json_node_get_object (current),
                                                                             "updatedAt", NULL));
      }
    if (!vz_outbox_retry (ch.outbox, argv[2], &error))
      {
        fail (cli, EXIT_FAILED, "%s", error->message);
        return EXIT_FAILED;
      }
    if (!ch.online)
      {
        print_queued (&ch, NULL);
        return settle_journal (&ch) ? EXIT_OK : EXIT_FAILED;
      }
    send_queue (&ch, argv[2], rebase_to);
  }
  if (!settle_journal (&ch))
    return EXIT_FAILED;
  if (ch.target_committed)
    {
      g_print (_("Sent.\n"));
      return EXIT_OK;
    }
  if (ch.outcome != NULL)
    {
      fail (cli, EXIT_FAILED, "%s", ch.outcome);
      return EXIT_FAILED;
    }
  print_queued (&ch, ch.stopped);
  return EXIT_OK;
}
