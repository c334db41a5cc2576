/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-welcome-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vz-gui.h"
#include "vz-welcome-page.h"
#include "vz-welcome-page-private.h"

struct _VzWelcomePage
{
  GtkWidget       parent_instance;

  gboolean        busy;

  GtkStack       *stack;
  GtkWidget      *back_button;
  GtkWidget      *cancel_button;
  AdwEntryRow    *url_row;
  AdwEntryRow    *email_row;
  AdwEntryRow    *password_row;
  GtkLabel       *sign_in_error;
  GtkWidget      *sign_in_button;
  GtkSpinner     *sign_in_spinner;
  GtkLabel       *sign_in_label;
  GtkSwitch      *demo_switch;
  GtkSpinButton  *demo_count;
  GtkLabel       *local_error;
  GtkWidget      *local_button;
  GtkSpinner     *local_spinner;
  GtkLabel       *local_label;
  GtkWidget      *sign_in_saved_button;
  GtkWidget      *local_saved_button;
};

G_DEFINE_FINAL_TYPE (VzWelcomePage, vz_welcome_page, GTK_TYPE_WIDGET)

enum {
  SIGNAL_CONNECT_REMOTE,
  SIGNAL_START_LOCAL,
  SIGNAL_OPEN_SAVED_FLEET,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
hide_errors (VzWelcomePage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_error), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->local_error), FALSE);
  /* The offer belongs to the failure it answers. */
  gtk_widget_set_visible (self->sign_in_saved_button, FALSE);
  gtk_widget_set_visible (self->local_saved_button, FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->email_row), "error");
}

/* The forms lead back to the choices (the button, Escape, Alt+Left),
 * except while what they started is under way. */
static void
update_back (VzWelcomePage *self)
{
  gboolean on_form = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "choices") != 0;

  gtk_widget_set_visible (self->back_button, on_form);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "welcome.back", on_form && !self->busy);
}

static void
show_page (VzWelcomePage *self,
           const char    *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  update_back (self);
}

/*
 * What people type is "vizora.example.com" as often as a full URL: take a
 * bare host as https, but a bare host with a port ("fleet.lan:3000") as
 * http, since that is how fleet servers in a network are reached; keep an
 * explicit http(s) scheme and refuse anything else. Returns the origin
 * without a trailing slash, or NULL.
 */
static char *
normalize_server_url (const char *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_autofree char *candidate = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  gsize len;

  if (*trimmed == '\0')
    return NULL;

  if (strstr (trimmed, "://") == NULL)
    {
      const char *colon = strrchr (trimmed, ':');
      gboolean has_port = colon != NULL && colon[1] != '\0' && strspn (colon + 1, "0123456789/") == strlen (colon + 1);

      candidate = g_strconcat (has_port ? "http://" : "https://", trimmed, NULL);
    }
  else
    candidate = g_strdup (trimmed);

  uri = g_uri_parse (candidate, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return NULL;
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;

  len = strlen (candidate);
  while (len > 0 && candidate[len - 1] == '/')
    candidate[--len] = '\0';

  return g_steal_pointer (&candidate);
}

static void
update_sign_in_sensitivity (VzWelcomePage *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  const char *email = gtk_editable_get_text (GTK_EDITABLE (self->email_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  gtk_widget_set_sensitive (self->sign_in_button,
                            !self->busy && *url != '\0' && *email != '\0' && *password != '\0');
}

static void
on_sign_in_changed (VzWelcomePage *self)
{
  update_sign_in_sensitivity (self);
}

static void
welcome_back (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VzWelcomePage *self = VZ_WELCOME_PAGE (widget);

  if (self->busy)
    return;
  hide_errors (self);
  show_page (self, "choices");
}

static void
on_remote_row_activated (VzWelcomePage *self)
{
  vz_welcome_page_show_sign_in (self, NULL, NULL);
}

static void
on_local_row_activated (VzWelcomePage *self)
{
  vz_welcome_page_show_local (self);
}

static void
on_sign_in_clicked (VzWelcomePage *self)
{
  g_autofree char *url = NULL;
  g_autofree char *email = NULL;
  const char *password;

  if (self->busy)
    return;

  hide_errors (self);

  url = normalize_server_url (gtk_editable_get_text (GTK_EDITABLE (self->url_row)));
  if (url == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->url_row), "error");
      vz_welcome_page_show_error (self, _("Enter the server’s address, for example https://vizora.example.com."));
      gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
      return;
    }

  email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));
  if (strchr (email, '@') == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->email_row), "error");
      vz_welcome_page_show_error (self, _("Enter the email address of your Vizora account."));
      gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
      return;
    }

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  if (*password == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  vz_welcome_page_set_busy (self, TRUE);
  g_signal_emit (self, signals[SIGNAL_CONNECT_REMOTE], 0, url, email, password);
}

static void
on_sign_in_entry_activated (VzWelcomePage *self,
                            AdwEntryRow   *row)
{
  /* Enter moves to the next empty field, and signs in from the last one. */
  if (row == self->url_row && *gtk_editable_get_text (GTK_EDITABLE (self->email_row)) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
  else if (row != self->password_row && *gtk_editable_get_text (GTK_EDITABLE (self->password_row)) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  else if (gtk_widget_get_sensitive (self->sign_in_button))
    on_sign_in_clicked (self);
}

static void
on_local_clicked (VzWelcomePage *self)
{
  guint screens = 0;

  if (self->busy)
    return;

  hide_errors (self);
  if (gtk_switch_get_active (self->demo_switch))
    screens = (guint) gtk_spin_button_get_value_as_int (self->demo_count);

  vz_welcome_page_set_busy (self, TRUE);
  g_signal_emit (self, signals[SIGNAL_START_LOCAL], 0, screens);
}

static void
vz_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VZ_TYPE_WELCOME_PAGE);
  /* The template's top box has no id, so dispose_template leaves it. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (vz_welcome_page_parent_class)->dispose (object);
}

static void
on_saved_fleet_clicked (VzWelcomePage *self)
{
  g_signal_emit (self, signals[SIGNAL_OPEN_SAVED_FLEET], 0);
}

static void
vz_welcome_page_class_init (VzWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_welcome_page_dispose;

  signals[SIGNAL_CONNECT_REMOTE] =
    g_signal_new ("connect-remote",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_START_LOCAL] =
    g_signal_new ("start-local",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_OPEN_SAVED_FLEET] =
    g_signal_new ("open-saved-fleet",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, stack);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, back_button);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, url_row);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, email_row);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, password_row);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, sign_in_error);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, sign_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, sign_in_label);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, demo_switch);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, demo_count);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, local_error);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, local_button);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, local_spinner);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, local_label);
  gtk_widget_class_bind_template_callback (widget_class, on_remote_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_local_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_entry_activated);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, sign_in_saved_button);
  gtk_widget_class_bind_template_child (widget_class, VzWelcomePage, local_saved_button);
  gtk_widget_class_bind_template_callback (widget_class, on_local_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_saved_fleet_clicked);

  gtk_widget_class_install_action (widget_class, "welcome.back", NULL, welcome_back);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "welcome.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "welcome.back", NULL);
}

static void
vz_welcome_page_init (VzWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The peek button's tooltip says "Show Text" or "Hide Text" as it toggles;
   * its name says what it is for. */
  vz_gui_name_inner_button (GTK_WIDGET (self->password_row), GTK_TYPE_BUTTON, _("Show Password"));
  update_sign_in_sensitivity (self);
  update_back (self);
}

void
vz_welcome_page_show_choices (VzWelcomePage *self)
{
  g_return_if_fail (VZ_IS_WELCOME_PAGE (self));

  vz_welcome_page_set_busy (self, FALSE);
  hide_errors (self);
  show_page (self, "choices");
}

void
vz_welcome_page_show_sign_in (VzWelcomePage *self,
                              const char    *server_url,
                              const char    *email)
{
  g_return_if_fail (VZ_IS_WELCOME_PAGE (self));

  vz_welcome_page_set_busy (self, FALSE);
  hide_errors (self);
  if (server_url != NULL && *server_url != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), server_url);
  if (email != NULL && *email != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->email_row), email);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_page (self, "sign-in");

  /* Focus the first field that still needs typing. */
  if (*gtk_editable_get_text (GTK_EDITABLE (self->url_row)) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->url_row));
  else if (*gtk_editable_get_text (GTK_EDITABLE (self->email_row)) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->email_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

void
vz_welcome_page_show_local (VzWelcomePage *self)
{
  g_return_if_fail (VZ_IS_WELCOME_PAGE (self));

  vz_welcome_page_set_busy (self, FALSE);
  hide_errors (self);
  show_page (self, "local");
}

void
vz_welcome_page_show_error (VzWelcomePage *self,
                            const char    *message)
{
  GtkLabel *label;

  g_return_if_fail (VZ_IS_WELCOME_PAGE (self));
  g_return_if_fail (message != NULL);

  vz_welcome_page_set_busy (self, FALSE);

  /* An error from the choices page (a start from settings that failed) is
   * shown with the form it belongs to. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "local") == 0)
    label = self->local_error;
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "sign-in") == 0)
    label = self->sign_in_error;
  else
    {
      show_page (self, "local");
      label = self->local_error;
    }

  gtk_label_set_label (label, message);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

void
vz_welcome_page_set_busy (VzWelcomePage *self,
                          gboolean       busy)
{
  g_return_if_fail (VZ_IS_WELCOME_PAGE (self));

  busy = !!busy;
  self->busy = busy;

  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_spinner), busy);
  gtk_spinner_set_spinning (self->sign_in_spinner, busy);
  gtk_label_set_label (self->sign_in_label, busy ? _("Signing In…") : _("Sign In"));
  gtk_widget_set_visible (GTK_WIDGET (self->local_spinner), busy);
  gtk_spinner_set_spinning (self->local_spinner, busy);
  gtk_label_set_label (self->local_label, busy ? _("Starting…") : _("Start"));
  gtk_widget_set_sensitive (self->local_button, !busy);
  /* Read-only rather than insensitive: a focused text that loses
   * sensitivity never gets its focus-out event. */
  gtk_editable_set_editable (GTK_EDITABLE (self->url_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->email_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
  update_back (self);
  update_sign_in_sensitivity (self);
}

void
vz_welcome_page_set_demo_screens (VzWelcomePage *self,
                                  guint          screens)
{
  g_return_if_fail (VZ_IS_WELCOME_PAGE (self));

  gtk_switch_set_active (self->demo_switch, screens > 0);
  if (screens > 0)
    gtk_spin_button_set_value (self->demo_count, screens);
}

GtkEditable *
_vz_welcome_page_get_url_row (VzWelcomePage *self)
{
  return GTK_EDITABLE (self->url_row);
}

GtkEditable *
_vz_welcome_page_get_email_row (VzWelcomePage *self)
{
  return GTK_EDITABLE (self->email_row);
}

GtkEditable *
_vz_welcome_page_get_password_row (VzWelcomePage *self)
{
  return GTK_EDITABLE (self->password_row);
}

GtkButton *
_vz_welcome_page_get_sign_in_button (VzWelcomePage *self)
{
  return GTK_BUTTON (self->sign_in_button);
}

const char *
_vz_welcome_page_get_error (VzWelcomePage *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  GtkLabel *label = g_strcmp0 (page, "local") == 0 ? self->local_error : self->sign_in_error;

  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_label (label) : NULL;
}

const char *
_vz_welcome_page_get_page (VzWelcomePage *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

void
vz_welcome_page_offer_saved_fleet (VzWelcomePage *self,
                                   gboolean       offer)
{
  const char *page;

  g_return_if_fail (VZ_IS_WELCOME_PAGE (self));

  page = gtk_stack_get_visible_child_name (self->stack);
  gtk_widget_set_visible (self->sign_in_saved_button, offer && g_strcmp0 (page, "sign-in") == 0);
  gtk_widget_set_visible (self->local_saved_button, offer && g_strcmp0 (page, "local") == 0);
}

GtkButton *
_vz_welcome_page_get_saved_fleet_button (VzWelcomePage *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  GtkWidget *button = g_strcmp0 (page, "local") == 0 ? self->local_saved_button : self->sign_in_saved_button;

  return gtk_widget_get_visible (button) ? GTK_BUTTON (button) : NULL;
}

void
vz_welcome_page_set_can_cancel (VzWelcomePage *self,
                                gboolean       can_cancel)
{
  g_return_if_fail (VZ_IS_WELCOME_PAGE (self));
  gtk_widget_set_visible (self->cancel_button, can_cancel);
}
