/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-content.h"
#include "vz-gui.h"
#include "vz-gui-resources.h"
#include "vz-renderer.h"
#include "vz-window.h"
#include "vz-display-group.h"

void
vz_gui_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      vz_gui_register_resource ();
      if (gdk_display_get_default () != NULL)
        vz_renderer_choose (gdk_display_get_default ());

      /* AdwApplication loads style.css from its resource base path by itself;
       * without an application (tests, previews) load it here so widgets
       * look the same. */
      if (g_application_get_default () == NULL && gdk_display_get_default () != NULL)
        {
          g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

          gtk_css_provider_load_from_resource (provider, "/cloud/vizora/Desktop/style.css");
          gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                      GTK_STYLE_PROVIDER (provider),
                                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
        }
      g_once_init_leave (&initialized, 1);
    }
}

void
vz_gui_toast (GtkWidget  *widget,
              const char *title)
{
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  root = gtk_widget_get_root (widget);
  if (VZ_IS_WINDOW (root))
    vz_window_show_toast (VZ_WINDOW (root), title);
  else if (ADW_IS_PREFERENCES_WINDOW (root))
    {
      g_autofree char *escaped = g_markup_escape_text (title, -1);
      AdwToast *toast = adw_toast_new (escaped);

      adw_toast_set_timeout (toast, 5);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), toast);
    }
}

gboolean
vz_gui_toast_error (GtkWidget    *widget,
                    const GError *error)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (error != NULL, FALSE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  vz_gui_toast (widget, error->message);
  return TRUE;
}

char *
vz_gui_editable_dup_stripped (GtkEditable *editable)
{
  g_return_val_if_fail (GTK_IS_EDITABLE (editable), NULL);

  return g_strstrip (g_strdup (gtk_editable_get_text (editable)));
}

GListModel *
vz_gui_group_choices_new_full (GListModel *groups,
                               const char *first,
                               const char *last)
{
  g_autoptr(GListStore) parts = NULL;

  g_return_val_if_fail (G_IS_LIST_MODEL (groups), NULL);

  parts = g_list_store_new (G_TYPE_LIST_MODEL);
  if (first != NULL)
    {
      g_autoptr(GtkStringList) item = gtk_string_list_new ((const char * const[]) { first, NULL });
      g_list_store_append (parts, item);
    }
  g_list_store_append (parts, groups);
  if (last != NULL)
    {
      g_autoptr(GtkStringList) item = gtk_string_list_new ((const char * const[]) { last, NULL });
      g_list_store_append (parts, item);
    }
  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&parts))));
}

GListModel *
vz_gui_group_choices_new (GListModel *groups,
                          const char *extra,
                          gboolean    extra_first)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (groups), NULL);
  g_return_val_if_fail (extra != NULL, NULL);

  return vz_gui_group_choices_new_full (groups, extra_first ? extra : NULL, extra_first ? NULL : extra);
}

static char *
group_item_name (GObject *item)
{
  if (VZ_IS_DISPLAY_GROUP (item))
    return g_strdup (vz_display_group_get_name (VZ_DISPLAY_GROUP (item)));
  if (GTK_IS_STRING_OBJECT (item))
    return g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
  return g_strdup ("");
}

void
vz_gui_group_row_show_names (AdwComboRow *row)
{
  g_return_if_fail (ADW_IS_COMBO_ROW (row));

  adw_combo_row_set_expression (row,
                                gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                             G_CALLBACK (group_item_name), NULL, NULL));
}

AdwMessageDialog *
vz_gui_confirm_dialog_new (GtkWidget             *widget,
                           const char            *heading,
                           const char            *body,
                           const char            *response,
                           const char            *label,
                           AdwResponseAppearance  appearance)
{
  AdwMessageDialog *dialog;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (response != NULL, NULL);
  g_return_val_if_fail (label != NULL, NULL);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    response, label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, response, appearance);
  adw_message_dialog_set_default_response (dialog,
                                           appearance == ADW_RESPONSE_DESTRUCTIVE ? "cancel" : response);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "unrealize", G_CALLBACK (vz_gui_drop_pending_tooltip), NULL);
  return dialog;
}

char *
vz_gui_format_relative_time (GDateTime *when,
                             gint64     now_us)
{
  gint64 diff;

  if (when == NULL)
    return g_strdup (_("Never"));

  diff = (now_us - g_date_time_to_unix (when) * G_USEC_PER_SEC) / G_USEC_PER_SEC;

  /* A screen's clock may run a little ahead of ours: treat that as now. */
  if (diff < 60)
    return g_strdup (_("just now"));
  if (diff < 3600)
    {
      int minutes = (int) (diff / 60);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d minute ago", "%'d minutes ago", minutes), minutes);
    }
  if (diff < 86400)
    {
      int hours = (int) (diff / 3600);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d hour ago", "%'d hours ago", hours), hours);
    }
  if (diff < 86400 * 30)
    {
      int days = (int) (diff / 86400);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'d day ago", "%'d days ago", days), days);
    }
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (when);

    /* The date as the locale writes it ("03.12.2026" in German). */
    return g_date_time_format (local, "%x");
  }
}

char *
vz_gui_format_count (guint n)
{
  /* Grouped as the locale groups thousands ("10.000" in German). */
  return g_strdup_printf ("%'u", n);
}

const char *
vz_gui_status_css_class (VzDisplayStatus status)
{
  switch (status)
    {
    case VZ_DISPLAY_STATUS_ONLINE:
      return "online";
    case VZ_DISPLAY_STATUS_PAIRING:
      return "pairing";
    case VZ_DISPLAY_STATUS_ERROR:
      return "error";
    case VZ_DISPLAY_STATUS_IDLE:
      return "idle";
    case VZ_DISPLAY_STATUS_OFFLINE:
    case VZ_DISPLAY_STATUS_UNKNOWN:
    default:
      return "offline";
    }
}

gboolean
vz_gui_transform_text_is_set (GBinding     *binding,
                              const GValue *from,
                              GValue       *to,
                              gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_boolean (to, text != NULL && *text != '\0');
  return TRUE;
}

gboolean
vz_gui_transform_text_if_set (GBinding     *binding,
                              const GValue *from,
                              GValue       *to,
                              gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  if (text == NULL || *text == '\0')
    return FALSE;
  g_value_set_string (to, text);
  return TRUE;
}

void
vz_gui_drop_pending_tooltip (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* GTK's own key for the display's tooltip, which its delay looks up. */
  g_object_set_data (G_OBJECT (gtk_widget_get_display (widget)), "gdk-display-current-tooltip", NULL);
}

char *
vz_gui_format_duration (guint seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return g_strdup_printf ("%u:%02u", seconds / 60, seconds % 60);
}

const char *
vz_gui_content_type_icon (const char *content_type)
{
  if (g_strcmp0 (content_type, "image") == 0)
    return "image-x-generic-symbolic";
  if (g_strcmp0 (content_type, "video") == 0)
    return "video-x-generic-symbolic";
  if (g_strcmp0 (content_type, "url") == 0 || g_strcmp0 (content_type, "html") == 0)
    return "web-browser-symbolic";
  if (g_strcmp0 (content_type, "pdf") == 0)
    return "x-office-document-symbolic";
  return "text-x-generic-symbolic";
}

void
vz_gui_snapshot_icon (GtkWidget   *widget,
                      GtkSnapshot *snapshot,
                      const char  *icon_name,
                      int          size,
                      float        x,
                      float        y)
{
  g_autoptr(GtkIconPaintable) icon = NULL;
  GdkRGBA color;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (icon_name != NULL);

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  icon = gtk_icon_theme_lookup_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (widget)), icon_name,
                                     NULL, size, gtk_widget_get_scale_factor (widget),
                                     gtk_widget_get_direction (widget), 0);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot, size, size, &color, 1);
  gtk_snapshot_restore (snapshot);
}

static char *
content_icon_closure (gpointer    unused,
                      const char *content_type)
{
  return g_strdup (vz_gui_content_type_icon (content_type));
}

static char *
content_type_label_closure (gpointer    unused,
                            const char *content_type)
{
  return g_strdup (content_type != NULL ? vz_content_type_to_label (content_type) : "");
}

void
vz_gui_bind_content_closures (GtkWidgetClass *widget_class)
{
  g_return_if_fail (GTK_IS_WIDGET_CLASS (widget_class));

  gtk_widget_class_bind_template_callback_full (widget_class, "content_icon", G_CALLBACK (content_icon_closure));
  gtk_widget_class_bind_template_callback_full (widget_class, "content_type_label",
                                                G_CALLBACK (content_type_label_closure));
}

static gboolean
choice_to_selected (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *values = user_data;
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; values[i] != NULL; i++)
    if (g_str_equal (choice, values[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
selected_to_choice (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *values = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) values))
    return NULL;
  return g_variant_new_string (values[selected]);
}

void
vz_gui_bind_choice_row (GSettings          *settings,
                        const char         *key,
                        AdwComboRow        *row,
                        const char * const *values)
{
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (ADW_IS_COMBO_ROW (row));
  g_return_if_fail (values != NULL);

  g_settings_bind_with_mapping (settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_to_selected, selected_to_choice, (gpointer) values, NULL);
}

/* The first visible widget of @type under @widget, with @role unless
 * @any_role. */
static GtkWidget *
first_of_type (GtkWidget         *widget,
               GType              type,
               GtkAccessibleRole  role,
               gboolean           any_role)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = child;

      if (!gtk_widget_get_visible (child))
        continue;
      if (!G_TYPE_CHECK_INSTANCE_TYPE (child, type) ||
          (!any_role && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (child)) != role))
        found = first_of_type (child, type, role, any_role);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
name_first_of_type (GtkWidget         *composite,
                    GType              type,
                    GtkAccessibleRole  role,
                    gboolean           any_role,
                    const char        *label)
{
  GtkWidget *inner;

  g_return_if_fail (GTK_IS_WIDGET (composite));
  g_return_if_fail (label != NULL);

  inner = first_of_type (composite, type, role, any_role);
  g_return_if_fail (inner != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (inner), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

void
vz_gui_name_inner_button (GtkWidget  *composite,
                          GType       type,
                          const char *label)
{
  name_first_of_type (composite, type, GTK_ACCESSIBLE_ROLE_BUTTON, FALSE, label);
}

void
vz_gui_name_inner (GtkWidget  *composite,
                   GType       type,
                   const char *label)
{
  name_first_of_type (composite, type, GTK_ACCESSIBLE_ROLE_NONE, TRUE, label);
}

void
vz_gui_name_media_controls (GtkVideo *video)
{
  GtkWidget *volume;

  g_return_if_fail (GTK_IS_VIDEO (video));

  /* In the order GtkMediaControls holds them: play, position, volume. */
  vz_gui_name_inner_button (GTK_WIDGET (video), GTK_TYPE_BUTTON, _("Play or Pause"));
  vz_gui_name_inner (GTK_WIDGET (video), GTK_TYPE_SCALE, _("Position"));
  volume = first_of_type (GTK_WIDGET (video), GTK_TYPE_SCALE_BUTTON, GTK_ACCESSIBLE_ROLE_NONE, TRUE);
  g_return_if_fail (volume != NULL);
  vz_gui_name_inner_button (volume, GTK_TYPE_BUTTON, _("Volume"));
}

static void
collect_buttons (GtkWidget *widget,
                 GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child))
        g_ptr_array_add (out, child);
      collect_buttons (child, out);
    }
}

static void
name_calendar_arrow (GtkWidget  *button,
                     const char *label)
{
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  /* With its arrows in the Tab order, GTK 4.8's calendar keeps Tab among
   * them and never reaches its days (and Shift+Tab never leaves them);
   * Page Up and Page Down (with Ctrl: a year) do what they do. */
  gtk_widget_set_focusable (button, FALSE);
}

void
vz_gui_calendar_arrows (GtkCalendar *calendar)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  const char *back[] = { _("Previous Month"), _("Previous Year") };
  const char *on[] = { _("Next Month"), _("Next Year") };
  guint n_back = 0, n_on = 0;

  g_return_if_fail (GTK_IS_CALENDAR (calendar));

  /* The month's arrows come before the year's, each a pan-start and a
   * pan-end icon. */
  collect_buttons (GTK_WIDGET (calendar), buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      const char *icon = gtk_button_get_icon_name (buttons->pdata[i]);

      if (g_strcmp0 (icon, "pan-start-symbolic") == 0 && n_back < G_N_ELEMENTS (back))
        name_calendar_arrow (buttons->pdata[i], back[n_back++]);
      else if (g_strcmp0 (icon, "pan-end-symbolic") == 0 && n_on < G_N_ELEMENTS (on))
        name_calendar_arrow (buttons->pdata[i], on[n_on++]);
    }
  g_return_if_fail (n_back == G_N_ELEMENTS (back) && n_on == G_N_ELEMENTS (on));
}

void
vz_gui_name_shortcuts_window (GtkShortcutsWindow *window)
{
  GtkWidget *search;
  GtkWidget *sections;

  g_return_if_fail (GTK_IS_SHORTCUTS_WINDOW (window));

  vz_gui_name_inner (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY, _("Search Shortcuts"));
  /* The header bar's start: the search button, before the title's stack
   * that holds the sections' menu button. */
  search = first_of_type (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON, GTK_ACCESSIBLE_ROLE_NONE, TRUE);
  g_return_if_fail (search != NULL && gtk_widget_get_ancestor (search, GTK_TYPE_MENU_BUTTON) == NULL);
  gtk_widget_set_tooltip_text (search, _("Search"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search"), -1);
  sections = first_of_type (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON, GTK_ACCESSIBLE_ROLE_NONE, TRUE);
  g_return_if_fail (sections != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sections), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sections"), -1);
  vz_gui_name_inner_button (sections, GTK_TYPE_TOGGLE_BUTTON, _("Sections"));
}

static void
name_about_parts (GtkWidget  *widget,
                  const char *debug_info)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *inner = GTK_IS_BUTTON (child) ? gtk_button_get_child (GTK_BUTTON (child)) : NULL;
      const char *label = NULL;

      /* Buttons with an icon (Back) or a label of their own inside (the
       * version): the tooltip, or the words inside. */
      if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) == NULL)
        label = gtk_widget_get_tooltip_text (child) != NULL ? gtk_widget_get_tooltip_text (child)
              : GTK_IS_LABEL (inner) ? gtk_label_get_text (GTK_LABEL (inner)) : NULL;
      if (GTK_IS_TEXT_VIEW (child))
        {
          GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (child));
          GtkTextIter start, end;
          g_autofree char *text = NULL;

          gtk_text_buffer_get_bounds (buffer, &start, &end);
          text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
          label = g_strcmp0 (text, debug_info) == 0 ? _("Debugging Information") : _("Release Notes");
        }
      if (label != NULL && *label != '\0')
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      name_about_parts (child, debug_info);
    }
}

void
vz_gui_name_about_window (AdwAboutWindow *about)
{
  g_return_if_fail (ADW_IS_ABOUT_WINDOW (about));

  name_about_parts (GTK_WIDGET (about), adw_about_window_get_debug_info (about));
}

static void
on_popover_closed (GtkPopover *popover,
                   GtkWidget  *button)
{
  GtkRoot *root = gtk_widget_get_root (button);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (popover)))
    gtk_widget_grab_focus (button);
}

void
vz_gui_popover_gives_back_focus (GtkMenuButton *button)
{
  GtkPopover *popover;

  g_return_if_fail (GTK_IS_MENU_BUTTON (button));

  popover = gtk_menu_button_get_popover (button);
  g_return_if_fail (GTK_IS_POPOVER (popover));
  g_signal_connect_object (popover, "closed", G_CALLBACK (on_popover_closed), button, 0);
}

static void
on_overlay_children_changed (GListModel *children,
                             guint       position,
                             guint       removed,
                             guint       added,
                             gpointer    user_data)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GtkWidget) child = g_list_model_get_item (children, i);

      /* A toast's widget: its last button is the close button. */
      if (g_str_equal (G_OBJECT_TYPE_NAME (child), "AdwToastWidget"))
        {
          GtkWidget *close = NULL;

          for (GtkWidget *w = gtk_widget_get_first_child (child); w != NULL; w = gtk_widget_get_next_sibling (w))
            if (GTK_IS_BUTTON (w))
              close = w;
          if (close != NULL)
            gtk_accessible_update_property (GTK_ACCESSIBLE (close), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                            _("Dismiss"), -1);
        }
    }
}

void
vz_gui_leaflet_pages_first (AdwLeaflet *leaflet)
{
  g_autoptr(GPtrArray) own = g_ptr_array_new ();

  g_return_if_fail (ADW_IS_LEAFLET (leaflet));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (leaflet));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (adw_leaflet_get_page (leaflet, child) == NULL)
      g_ptr_array_add (own, child);
  for (guint i = 0; i < own->len; i++)
    gtk_widget_insert_before (own->pdata[i], GTK_WIDGET (leaflet), NULL);
}

void
vz_gui_name_toast_buttons (AdwToastOverlay *overlay)
{
  GListModel *children;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));

  children = gtk_widget_observe_children (GTK_WIDGET (overlay));
  g_signal_connect (children, "items-changed", G_CALLBACK (on_overlay_children_changed), NULL);
  g_object_set_data_full (G_OBJECT (overlay), "vz-toast-children", children, g_object_unref);
}

static gboolean
list_key_pressed (GtkEventControllerKey *controller,
                  guint                  keyval,
                  guint                  keycode,
                  GdkModifierType        state,
                  gpointer               user_data)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (list));
  GtkDirectionType direction;

  g_assert (GTK_IS_WIDGET (list));

  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_KP_Tab && keyval != GDK_KEY_ISO_Left_Tab)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  direction = keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK) != 0
              ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD;

  /* While the list cannot take the focus, the window's focus chain passes
   * over it from the row that has the focus to the control after (or
   * before) the list; past the last control it starts again at the first,
   * as GtkWindow does. */
  gtk_widget_set_can_focus (list, FALSE);
  if (!gtk_widget_child_focus (root, direction))
    {
      gtk_root_set_focus (GTK_ROOT (root), NULL);
      gtk_widget_child_focus (root, direction);
    }
  gtk_widget_set_can_focus (list, TRUE);
  return TRUE;
}

void
vz_gui_list_one_tab_stop (GtkWidget *list)
{
  GtkEventController *keys;

  g_return_if_fail (GTK_IS_LIST_BOX (list) || GTK_IS_FLOW_BOX (list));

  keys = gtk_event_controller_key_new ();
  /* Before the rows and the window see the key. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (list_key_pressed), NULL);
  gtk_widget_add_controller (list, keys);
}
