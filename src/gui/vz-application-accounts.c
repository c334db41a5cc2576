/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-application"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-application-private.h"
#include "vz-outbox.h"
#include "vz-welcome-page.h"

/*
 * Several accounts: the list of every account signed in on this computer
 * (VzAccountList, read from the saved folders), switching between them (the
 * engine, session and stores of one go before the other's start from its
 * snapshot and saved sign-in; each keeps its own outbox), adding one
 * without signing out of the others, and signing out of one after asking,
 * which removes its folder and keyring item.
 */

static void
reload_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!vz_account_list_reload_finish (VZ_ACCOUNT_LIST (source), result, &error))
    g_message ("%s", error->message);
}

static void
reload (VzApplication *self)
{
  vz_account_list_reload_async (self->accounts, NULL, reload_cb, NULL);
}

/* Holds the list, not the app: a keyring that answers late keeps no app alive. */
static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VzAccountList) accounts = user_data;
  g_autoptr(GError) error = NULL;

  /* The keyring's refusal is told by the window's strip already. */
  if (!vz_session_save_finish (VZ_SESSION (source), result, &error))
    g_debug ("The account could not be saved: %s", error->message);
  vz_account_list_reload_async (accounts, NULL, reload_cb, NULL);
}

static void
set_can_cancel (VzApplication *self,
                gboolean       can_cancel)
{
  VzWindow *window = _vz_application_get_window (self);

  if (window != NULL)
    vz_welcome_page_set_can_cancel (vz_window_get_welcome_page (window), can_cancel);
}

void
_vz_application_accounts_shown (VzApplication *self,
                                VzSession     *session)
{
  const char *user_id = vz_session_get_user_id (session);
  g_autofree char *key = NULL;

  g_assert (VZ_IS_APPLICATION (self));

  set_can_cancel (self, FALSE);
  g_clear_pointer (&self->return_key, g_free);
  if (user_id == NULL)
    return;
  key = vz_account_list_key_for (vz_session_get_server_url (session), user_id);
  vz_account_list_set_current (self->accounts, key);
  /* A new account is listed once its file is written. */
  if (vz_account_list_get_current (self->accounts) != NULL)
    return;
  if (vz_session_get_remember (session))
    vz_session_save_async (session, NULL, saved_cb, g_object_ref (self->accounts));
  else
    reload (self);
}

/* The fleet server this app starts on this computer keeps its port: its
 * account is the one on that port of a loopback address. */
static gboolean
is_local_account (VzApplication *self,
                  VzAccount     *account)
{
  g_autoptr(GUri) uri = g_uri_parse (vz_account_get_server_url (account), G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  guint16 port = 0;
  const char *host;

  g_settings_get (self->settings, "local-port", "q", &port);
  if (port == 0 || uri == NULL || g_uri_get_port (uri) != port || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* Whatever is shown goes: engine, session, the local fleet server unless
 * @keep_local. The account stays, with its outbox and snapshot. */
static void
leave_fleet (VzApplication *self,
             gboolean       keep_local)
{
  _vz_application_reset (self);
  _vz_application_stop_fleet (self, NULL, NULL);
  g_clear_object (&self->session);
  g_clear_object (&self->offered);
  if (!keep_local && self->local_server != NULL)
    {
      vz_local_server_stop (self->local_server);
      g_clear_object (&self->local_server);
    }
}

static void
switch_to (VzApplication *self,
           VzAccount     *account)
{
  gboolean local = is_local_account (self, account);
  const char *email = vz_account_get_email (account);

  if (account == vz_account_list_get_current (self->accounts) && self->engine != NULL)
    return;
  leave_fleet (self, local);
  set_can_cancel (self, FALSE);
  g_clear_pointer (&self->return_key, g_free);
  vz_account_list_set_current (self->accounts, vz_account_get_key (account));

  if (local)
    {
      g_settings_set_string (self->settings, "connection-mode", "local");
      _vz_application_start_local (self);
      return;
    }
  g_settings_set_string (self->settings, "connection-mode", "remote");
  g_settings_set_string (self->settings, "server-url", vz_account_get_server_url (account));
  g_settings_set_string (self->settings, "last-email", email != NULL ? email : "");
  _vz_application_open_saved (self, vz_account_get_server_url (account), email);
}

static void
show_choices (VzApplication *self)
{
  VzWindow *window = _vz_application_get_window (self);

  if (window == NULL)
    return;
  vz_window_show_welcome (window);
  vz_welcome_page_show_choices (vz_window_get_welcome_page (window));
}

/* The account an action's parameter names (its key), or NULL. */
static VzAccount *
lookup_parameter (VzApplication *self,
                  GVariant      *parameter)
{
  const char *key = g_variant_get_string (parameter, NULL);
  VzAccount *account = vz_account_list_lookup (self->accounts, key);

  if (account == NULL)
    g_debug ("No account %s on this computer", key);
  return account;
}

static void
app_switch_account (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  VzApplication *self = user_data;
  VzAccount *account = lookup_parameter (self, parameter);

  if (account != NULL)
    switch_to (self, account);
}

static void
app_add_account (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  VzApplication *self = user_data;
  VzAccount *current = vz_account_list_get_current (self->accounts);

  g_free (self->return_key);
  self->return_key = current != NULL ? g_strdup (vz_account_get_key (current)) : NULL;
  leave_fleet (self, FALSE);
  vz_account_list_set_current (self->accounts, NULL);
  show_choices (self);
  set_can_cancel (self, self->return_key != NULL);
}

static void
app_cancel_add_account (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  VzApplication *self = user_data;
  VzAccount *account = vz_account_list_lookup (self->accounts, self->return_key);

  if (account != NULL)
    switch_to (self, account);
}

/* ---- signing out ---- */

typedef struct {
  VzApplication *self;
  VzAccount     *account;
  VzSession     *session;      /* told to the server once the account is gone */
  gboolean       was_current;
} SignOut;

static void
sign_out_free (SignOut *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->account);
  g_clear_object (&data->session);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignOut, sign_out_free)

static void
logout_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The account is gone here either way; a server that cannot be told is
   * not a reason to keep someone signed in. */
  if (!vz_session_logout_finish (VZ_SESSION (source), result, &error))
    g_debug ("Signing out on the server failed: %s", error->message);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SignOut) data = user_data;
  VzApplication *self = data->self;
  VzWindow *window = _vz_application_get_window (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(VzAccount) next = NULL;

  /* The server revokes the token when it answers. After the removal, so
   * that the session's own forgetting finds nothing left to race with. */
  if (data->session != NULL)
    vz_session_logout_async (data->session, NULL, logout_cb, NULL);
  if (!vz_account_list_remove_finish (self->accounts, result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Signing out did not finish: %s"), error->message);

      g_message ("%s", text);
      if (window != NULL)
        vz_window_show_toast (window, text);
      reload (self);
    }
  if (!data->was_current || self->engine != NULL)
    return;

  next = g_list_model_get_item (G_LIST_MODEL (self->accounts), 0);
  if (next != NULL && next != data->account)
    {
      switch_to (self, next);
      return;
    }
  g_settings_set_string (self->settings, "connection-mode", "none");
  show_choices (self);
}

static void
remove_signed_out (SignOut *data)
{
  g_debug ("The fleet of %s has stopped: removing it", vz_account_get_key (data->account));
  vz_account_list_remove_async (data->self->accounts, data->account, NULL, removed_cb, data);
}

static void
settled_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  vz_session_settle_finish (VZ_SESSION (source), result);
  remove_signed_out (user_data);
}

static void
fleet_stopped_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SignOut *data = user_data;

  g_task_propagate_boolean (G_TASK (result), NULL);
  /* A sign-out just after the first sign-in: the session may still be
   * writing the account it is about to lose. */
  if (data->session != NULL)
    {
      g_debug ("The fleet of %s has stopped: waiting for the sign-in's last write",
               vz_account_get_key (data->account));
      vz_session_settle_async (data->session, NULL, settled_cb, data);
      return;
    }
  remove_signed_out (data);
}

static void
sign_out (SignOut *data)
{
  VzApplication *self = data->self;
  VzWindow *window = _vz_application_get_window (self);

  data->was_current = data->account == vz_account_list_get_current (self->accounts);
  if (!data->was_current)
    {
      vz_account_list_remove_async (self->accounts, data->account, NULL, removed_cb, data);
      return;
    }

  _vz_application_reset (self);
  if (self->session != NULL && vz_session_get_state (self->session) != VZ_SESSION_STATE_SIGNED_OUT)
    data->session = g_steal_pointer (&self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->offered);
  if (self->local_server != NULL)
    {
      vz_local_server_stop (self->local_server);
      g_clear_object (&self->local_server);
    }
  if (window != NULL)
    vz_window_show_busy (window, _("Signing out…"));
  /* Nothing of the engine writes into the folder once it has stopped. */
  _vz_application_stop_fleet (self, fleet_stopped_cb, data);
}

static void
on_sign_out_response (AdwMessageDialog *dialog,
                      const char       *response,
                      SignOut          *data)
{
  g_debug ("Sign out of %s: %s", vz_account_get_key (data->account), response);
  if (g_str_equal (response, "sign-out"))
    sign_out (data);
  else
    sign_out_free (data);
}

static void
ask (SignOut *data,
     guint    unsent)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (data->self));
  g_autofree char *server = vz_account_dup_server_name (data->account);
  g_autofree char *heading = g_strdup_printf (_("Sign Out of %s?"), server);
  g_autoptr(GString) body = g_string_new (NULL);
  AdwMessageDialog *dialog;

  g_string_printf (body, _("%s is signed out on this computer. The saved fleet, the changes waiting to be sent "
                           "and the sign-in in the keyring are removed."),
                   vz_account_get_who (data->account));
  if (unsent > 0)
    {
      g_string_append (body, "\n\n");
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                                 "%'u change made offline has not been sent and will be lost.",
                                                 "%'u changes made offline have not been sent and will be lost.",
                                                 unsent),
                              unsent);
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body->str));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "sign-out", _("_Sign Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign-out", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_sign_out_response), data);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SignOut *data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzOutbox) outbox = vz_outbox_new_finish (result, &error);

  /* An outbox in use elsewhere is refused at removal, in words. */
  if (outbox == NULL)
    g_debug ("The account's changes could not be counted: %s", error->message);
  ask (data, outbox != NULL ? vz_outbox_get_count (outbox) : 0);
}

static void
ask_sign_out (VzApplication *self,
              VzAccount     *account)
{
  SignOut *data = g_new0 (SignOut, 1);
  g_autofree char *path = NULL;

  data->self = g_object_ref (self);
  data->account = g_object_ref (account);
  if (account == vz_account_list_get_current (self->accounts) && self->engine != NULL)
    {
      ask (data, vz_sync_engine_get_pending_count (self->engine));
      return;
    }
  path = vz_account_dup_outbox_path (account);
  vz_outbox_new_async (path, VZ_OUTBOX_OPEN_NONE, G_PRIORITY_DEFAULT, NULL, counted_cb, data);
}

/* Signed in without a saved account (an access token from the
 * environment): the sign-in ends, nothing is on this computer to remove. */
static void
sign_out_unsaved (VzApplication *self)
{
  if (self->session != NULL && vz_session_get_state (self->session) != VZ_SESSION_STATE_SIGNED_OUT)
    vz_session_logout_async (self->session, NULL, logout_cb, NULL);
  leave_fleet (self, FALSE);
  g_settings_set_string (self->settings, "connection-mode", "none");
  show_choices (self);
}

static void
app_sign_out (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  VzApplication *self = user_data;
  VzAccount *current = vz_account_list_get_current (self->accounts);

  if (current != NULL)
    ask_sign_out (self, current);
  else
    sign_out_unsaved (self);
}

static void
app_sign_out_account (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  VzApplication *self = user_data;
  VzAccount *account = lookup_parameter (self, parameter);

  if (account != NULL)
    ask_sign_out (self, account);
}

static const GActionEntry account_actions[] = {
  { .name = "switch-account", .activate = app_switch_account, .parameter_type = "s" },
  { .name = "add-account", .activate = app_add_account },
  { .name = "cancel-add-account", .activate = app_cancel_add_account },
  { .name = "sign-out", .activate = app_sign_out },
  { .name = "sign-out-account", .activate = app_sign_out_account, .parameter_type = "s" },
};

void
_vz_application_accounts_init (VzApplication *self)
{
  g_assert (VZ_IS_APPLICATION (self));

  self->accounts = vz_account_list_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), account_actions, G_N_ELEMENTS (account_actions), self);
  reload (self);
}

GListModel *
vz_application_get_accounts (VzApplication *self)
{
  g_return_val_if_fail (VZ_IS_APPLICATION (self), NULL);
  return G_LIST_MODEL (self->accounts);
}
