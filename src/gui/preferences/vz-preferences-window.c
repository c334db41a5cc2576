/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-account-row.h"
#include "vz-application.h"
#include "vz-gui.h"
#include "vz-notification-preferences.h"
#include "vz-preferences-window.h"

#define SETTINGS_SCHEMA "cloud.vizora.Desktop"

struct _VzPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* template children */
  AdwComboRow          *style_row;
  GtkAdjustment        *attempts_adjustment;
  GtkAdjustment        *max_delay_adjustment;
  GtkAdjustment        *undo_window_adjustment;
  GtkSwitch            *send_offline_switch;
  GtkListBox           *accounts_list;
};

G_DEFINE_FINAL_TYPE (VzPreferencesWindow, vz_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The style row's items, in order, and what each makes of the app. */
static const char * const styles[] = { "follow", "light", "dark", NULL };
static const AdwColorScheme schemes[] = {
  ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
};

static gboolean
style_to_scheme (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char *style = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (g_str_equal (style, styles[i]))
      {
        g_value_set_enum (value, schemes[i]);
        return TRUE;
      }
  return FALSE;
}

void
vz_preferences_follow_style (GSettings *settings)
{
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_bind_with_mapping (settings, "style-variant", adw_style_manager_get_default (), "color-scheme",
                                G_SETTINGS_BIND_GET, style_to_scheme, NULL, NULL, NULL);
}

static GtkWidget *
create_account_row (gpointer item,
                    gpointer user_data)
{
  return vz_account_row_new (VZ_ACCOUNT (item), TRUE);
}

/* Adding an account happens in the main window. */
static void
on_add_account_clicked (VzPreferencesWindow *self)
{
  g_assert (VZ_IS_PREFERENCES_WINDOW (self));
  gtk_window_close (GTK_WINDOW (self));
}

static void
vz_preferences_window_dispose (GObject *object)
{
  VzPreferencesWindow *self = VZ_PREFERENCES_WINDOW (object);

  if (self->accounts_list != NULL)
    gtk_list_box_bind_model (self->accounts_list, NULL, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (vz_preferences_window_parent_class)->dispose (object);
}

static void
vz_preferences_window_finalize (GObject *object)
{
  VzPreferencesWindow *self = VZ_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (vz_preferences_window_parent_class)->finalize (object);
}

static void
vz_preferences_window_class_init (VzPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_preferences_window_dispose;
  object_class->finalize = vz_preferences_window_finalize;

  g_type_ensure (VZ_TYPE_NOTIFICATION_PREFERENCES);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VzPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, VzPreferencesWindow, attempts_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VzPreferencesWindow, max_delay_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VzPreferencesWindow, undo_window_adjustment);
  gtk_widget_class_bind_template_child (widget_class, VzPreferencesWindow, send_offline_switch);
  gtk_widget_class_bind_template_child (widget_class, VzPreferencesWindow, accounts_list);
  gtk_widget_class_bind_template_callback (widget_class, on_add_account_clicked);
}

static void
vz_preferences_window_init (VzPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_name_inner (GTK_WIDGET (self), GTK_TYPE_SEARCH_ENTRY, _("Search Preferences"));

  self->settings = g_settings_new (SETTINGS_SCHEMA);
  vz_gui_bind_choice_row (self->settings, "style-variant", self->style_row, styles);
  g_settings_bind (self->settings, "retry-attempts", self->attempts_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "retry-max-delay", self->max_delay_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "undo-window", self->undo_window_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-offline-changes", self->send_offline_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

VzPreferencesWindow *
vz_preferences_window_present (GtkWidget  *parent,
                               const char *page_name)
{
  GtkRoot *root;
  VzPreferencesWindow *window = NULL;
  g_autoptr(GList) toplevels = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WIDGET (parent), NULL);

  root = parent != NULL ? gtk_widget_get_root (parent) : NULL;
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL && window == NULL; l = l->next)
    if (VZ_IS_PREFERENCES_WINDOW (l->data) &&
        gtk_window_get_transient_for (l->data) == (GtkWindow *) root)
      window = l->data;

  if (window == NULL)
    {
      GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

      window = g_object_new (VZ_TYPE_PREFERENCES_WINDOW, NULL);
      if (GTK_IS_WINDOW (root))
        gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
      /* Its account rows run app actions. */
      if (app != NULL)
        gtk_window_set_application (GTK_WINDOW (window), app);
      if (VZ_IS_APPLICATION (app))
        gtk_list_box_bind_model (window->accounts_list, vz_application_get_accounts (VZ_APPLICATION (app)),
                                 create_account_row, NULL, NULL);
    }
  if (page_name != NULL)
    adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), page_name);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}
