/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-accounts"

#include <glib/gstdio.h>
#include <string.h>

#include "vz-account-list.h"
#include "vz-outbox.h"
#include "vz-secret-store.h"
#include "vz-session.h"
#include "vz-test-server.h"
#include "vz-test-secret.h"
#include "vz-core-test-util.h"

/*
 * The accounts on this computer, read from their folders: two real servers,
 * one sign-in each, saved in a real gnome-keyring-daemon on the test's own
 * session bus (tests/keyring/with-keyring.sh). Removing one takes its folder
 * (outbox, account file) and its keyring item, and leaves the other alone;
 * an account whose outbox is open is not removed.
 */

static char *
keyring_lookup (const char *server_url,
                const char *user_id)
{
  return vz_test_secret_tool ("lookup", "server", server_url, "account", user_id,
                              "client", VZ_SECRET_CLIENT_DESKTOP, NULL);
}

/* Signed in with "remember", and saved: the account's folder and keyring item exist. */
static VzSession *
sign_in_saved (VzTestServer *server)
{
  g_autoptr(VzSession) session = vz_session_new (server->url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GError) error = NULL;

  vz_session_set_remember (session, TRUE);
  vz_session_login_async (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_session_login_finish (session, result, &error));
  g_assert_no_error (error);
  vz_session_save_async (session, NULL, vz_test_store_result, &saved);
  vz_test_wait_result (&saved, 10000);
  g_assert_true (vz_session_save_finish (session, saved, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&session);
}

static void
reload (VzAccountList *list)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  vz_account_list_reload_async (list, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  g_assert_true (vz_account_list_reload_finish (list, result, &error));
  g_assert_no_error (error);
}

static gboolean
remove_account (VzAccountList  *list,
                VzAccount      *account,
                GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  vz_account_list_remove_async (list, account, NULL, vz_test_store_result, &result);
  vz_test_wait_result (&result, 10000);
  return vz_account_list_remove_finish (list, result, error);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *changes)
{
  (*changes)++;
}

static void
test_list_and_remove (void)
{
  g_autoptr(VzTestServer) first = vz_test_server_start (NULL);
  g_autoptr(VzTestServer) second = vz_test_server_start (NULL);
  g_autoptr(VzSession) a = sign_in_saved (first);
  g_autoptr(VzSession) b = sign_in_saved (second);
  g_autoptr(VzAccountList) list = vz_account_list_new ();
  g_autofree char *key_a = vz_account_list_key_for (first->url, vz_session_get_user_id (a));
  g_autofree char *key_b = vz_account_list_key_for (second->url, vz_session_get_user_id (b));
  g_autofree char *kept_a = NULL;
  g_autofree char *kept_b = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *still = NULL;
  g_autofree char *outbox_path = NULL;
  g_autofree char *folder_a = NULL;
  g_autofree char *folder_b = NULL;
  g_autoptr(VzOutbox) outbox = NULL;
  g_autoptr(GError) error = NULL;
  VzAccount *account_a, *account_b;
  guint changes = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &changes);
  g_assert_cmpstr (key_a, !=, key_b);
  reload (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  account_a = vz_account_list_lookup (list, key_a);
  account_b = vz_account_list_lookup (list, key_b);
  g_assert_nonnull (account_a);
  g_assert_nonnull (account_b);
  g_assert_cmpstr (vz_account_get_server_url (account_a), ==, first->url);
  g_assert_cmpstr (vz_account_get_email (account_a), ==, VZ_TEST_EMAIL);
  g_assert_cmpstr (vz_account_get_user_id (account_b), ==, vz_session_get_user_id (b));
  g_assert_cmpint (vz_account_get_saved_at (account_a), >, 0);

  /* The current account is marked, in the list and on the account. */
  vz_account_list_set_current (list, key_a);
  g_assert_true (vz_account_list_get_current (list) == account_a);
  g_assert_true (vz_account_get_current (account_a));
  g_assert_false (vz_account_get_current (account_b));

  /* Both keyring items are there, each with its own token. */
  kept_a = keyring_lookup (first->url, vz_session_get_user_id (a));
  kept_b = keyring_lookup (second->url, vz_session_get_user_id (b));
  g_assert_nonnull (kept_a);
  g_assert_nonnull (strstr (kept_a, vz_session_get_access_token (a)));
  g_assert_nonnull (kept_b);
  g_assert_nonnull (strstr (kept_b, vz_session_get_access_token (b)));

  /* A's outbox in use (as by a running engine or vizoractl): not removed. */
  outbox_path = vz_account_dup_outbox_path (account_a);
  folder_a = g_strdup (vz_account_get_folder (account_a));
  folder_b = g_strdup (vz_account_get_folder (account_b));
  g_assert_true (g_str_has_prefix (outbox_path, folder_a));
  outbox = vz_outbox_new (outbox_path, VZ_OUTBOX_OPEN_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (remove_account (list, account_a, &error));
  g_assert_error (error, VZ_ACCOUNT_ERROR, VZ_ACCOUNT_ERROR_IN_USE);
  g_clear_error (&error);
  g_assert_true (g_file_test (outbox_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  /* Closed: the folder and the keyring item go, B stays as it was. */
  g_clear_object (&outbox);
  changes = 0;
  g_object_ref (account_a);
  g_assert_true (remove_account (list, account_a, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (folder_a, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_null (vz_account_list_get_current (list));
  g_object_unref (account_a);
  gone = keyring_lookup (first->url, vz_session_get_user_id (a));
  g_assert_null (gone);
  still = keyring_lookup (second->url, vz_session_get_user_id (b));
  g_assert_cmpstr (still, ==, kept_b);
  g_assert_true (g_file_test (folder_b, G_FILE_TEST_IS_DIR));

  /* The folders say the same when read again. */
  reload (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_null (vz_account_list_lookup (list, key_a));
  g_assert_nonnull (vz_account_list_lookup (list, key_b));
}

/* A folder without an account file, or with a damaged one, is no account. */
static void
test_only_saved_accounts (void)
{
  g_autoptr(VzAccountList) list = vz_account_list_new ();
  g_autofree char *outbox = vz_outbox_path_for_account ("http://127.0.0.1:9 nobody");
  g_autofree char *folder = g_path_get_dirname (outbox);
  g_autofree char *info = g_build_filename (folder, "account-info.json", NULL);
  guint before;

  reload (list);
  before = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  reload (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, before);
  g_assert_true (g_file_set_contents (info, "{\"version\": 2, \"serverUrl\": 7}", -1, NULL));
  reload (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, before);
  vz_test_remove_tree (folder);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("vz-test-accounts-XXXXXX", NULL);

  /* A data dir of its own: the accounts found are this test's. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/accounts/list-and-remove", test_list_and_remove);
  g_test_add_func ("/core/accounts/only-saved-accounts", test_only_saved_accounts);
  return g_test_run ();
}
