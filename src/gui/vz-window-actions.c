/* SPDX-License-Identifier: GPL-3.0-or-later */
/* VzWindow's verbs (win.*) and their keys: the pages, pairing, search,
 * refresh, and each page's "new" from anywhere. The shortcuts window
 * (gtk/help-overlay.ui) names every key bound here; test-ui-keyboard
 * compares them. */
#define G_LOG_DOMAIN "vz-window"

#include "config.h"

#include "vz-window.h"
#include "vz-window-private.h"

static gboolean page_has_search (VzWindow *self);

void
_vz_window_update_actions (VzWindow *self)
{
  gboolean have_engine = self->engine != NULL;
  gboolean can_write = have_engine && vz_session_can_write (vz_sync_engine_get_session (self->engine));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pair", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.manage-groups", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-playlist", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-schedule", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.upload", can_write);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", have_engine && page_has_search (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", have_engine);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-pending", have_engine);
  _vz_window_update_undo (self);
}

static void
win_show_page (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);
  const char *page = g_variant_get_string (parameter, NULL);
  GtkListBoxRow *row = g_str_equal (page, "playlists") ? self->playlists_row :
                       g_str_equal (page, "content") ? self->content_row :
                       g_str_equal (page, "schedules") ? self->schedules_row :
                       g_str_equal (page, "health") ? self->health_row :
                       g_str_equal (page, "analytics") ? self->analytics_row : self->devices_row;

  if (_vz_window_ensure_page (self, page) == NULL)
    return;
  if (!g_str_equal (page, "devices") && self->devices_page != NULL)
    vz_devices_page_set_selection_mode (self->devices_page, FALSE);
  gtk_stack_set_visible_child_name (self->content_stack, page);
  gtk_list_box_select_row (self->sidebar_list, row);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  _vz_window_update_actions (self);
}

/* Escape wherever the focus is (the header's toggle, say) leaves selection
 * mode; otherwise the key goes on as if unbound. */
static gboolean
leave_selection_mode (GtkWidget *widget,
                      GVariant  *args,
                      gpointer   user_data)
{
  VzWindow *self = VZ_WINDOW (widget);

  if (self->devices_page == NULL || !vz_devices_page_get_selection_mode (self->devices_page))
    return FALSE;
  vz_devices_page_set_selection_mode (self->devices_page, FALSE);
  return TRUE;
}

static void
win_pair (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);

  /* The new screen shows on the Devices page. */
  gtk_widget_activate_action (widget, "win.show-page", "s", "devices");
  vz_devices_page_pair (self->devices_page);
}

static void
win_manage_groups (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);

  vz_devices_page_manage_groups (self->devices_page);
}

/* The pages with a search: Devices and Content. */
static gboolean
page_has_search (VzWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->content_stack);

  g_assert (VZ_IS_WINDOW (self));

  return g_strcmp0 (page, "devices") == 0 || g_strcmp0 (page, "content") == 0;
}

/* Ctrl+F: the search of the page shown. */
static void
win_search (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "content") == 0)
    vz_content_page_focus_search (VZ_CONTENT_PAGE (_vz_window_ensure_page (self, "content")));
  else
    vz_devices_page_focus_search (self->devices_page);
}

/* A verb of one page, from anywhere: that page (made if it was not yet),
 * then its action. */
static void
run_on_page (VzWindow   *self,
             const char *page,
             const char *page_action)
{
  GtkWidget *page_widget;

  g_assert (VZ_IS_WINDOW (self));

  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", page);
  page_widget = _vz_window_ensure_page (self, page);
  if (page_widget != NULL)
    gtk_widget_activate_action (page_widget, page_action, NULL);
}

static void
win_new_playlist (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);

  run_on_page (self, "playlists", "playlists.new");
}

static void
win_new_schedule (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);

  run_on_page (self, "schedules", "schedules.new");
}

static void
win_upload (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);

  run_on_page (self, "content", "content.upload");
}

static void
win_refresh (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VzWindow *self = VZ_WINDOW (widget);

  if (self->engine != NULL)
    vz_sync_engine_refresh (self->engine);
}

void
_vz_window_class_actions_init (GtkWidgetClass *widget_class)
{
  static const char * const pages[] = { "devices", "playlists", "content", "schedules", "health", "analytics" };

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", win_show_page);
  gtk_widget_class_install_action (widget_class, "win.pair", NULL, win_pair);
  gtk_widget_class_install_action (widget_class, "win.manage-groups", NULL, win_manage_groups);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, win_search);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, win_refresh);
  gtk_widget_class_install_action (widget_class, "win.new-playlist", NULL, win_new_playlist);
  gtk_widget_class_install_action (widget_class, "win.new-schedule", NULL, win_new_schedule);
  gtk_widget_class_install_action (widget_class, "win.upload", NULL, win_upload);

  /* Window keys, not application accels: those run in the capture phase,
   * before a focused text field could take Ctrl+Z, and only in windows of
   * the application. */
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK, "win.show-page", "s", pages[i]);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.pair", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.new-playlist", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.new-schedule", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.upload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  /* The menu names the key bound last. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.refresh", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, leave_selection_mode, NULL);
}
