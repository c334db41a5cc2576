/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-display.h"

G_BEGIN_DECLS

/*
 * Makes the app's resources (templates, style.css) available. Called from every
 * widget's class_init, so a test that builds one widget alone gets the same
 * look and templates as the app. Safe to call any number of times.
 */
void vz_gui_init (void);

/* Shows @title as a toast in @widget's window, when it is a VzWindow or
 * an AdwPreferencesWindow. */
void vz_gui_toast (GtkWidget  *widget,
                   const char *title);

/*
 * Shows @error's message as a toast in @widget's window, as vz_gui_toast().
 * A cancellation is not shown: it means the widget is going away. Returns
 * whether the error was shown, so a caller only undoes its own state then.
 */
gboolean vz_gui_toast_error (GtkWidget    *widget,
                             const GError *error);

/* @editable's text without leading and trailing white space; never NULL. */
char *vz_gui_editable_dup_stripped (GtkEditable *editable);

/*
 * The choices of a group picker: @groups (live, a GListModel of
 * VzDisplayGroup) with one more item, @extra, before them when @extra_first
 * (e.g. "No group") or after them (e.g. "New Group…").
 */
GListModel *vz_gui_group_choices_new (GListModel *groups,
                                      const char *extra,
                                      gboolean    extra_first);

/* The same with an item before the groups (@first) and one after them
 * (@last), either NULL for none: "No group", the groups, "New Group…". */
GListModel *vz_gui_group_choices_new_full (GListModel *groups,
                                           const char *first,
                                           const char *last);

/* Makes @row show the items of vz_gui_group_choices_new() by their names. */
void vz_gui_group_row_show_names (AdwComboRow *row);

/*
 * A dialog over @widget's window that asks @heading with @body and answers
 * "cancel" (_Cancel) or @response (@label). Escape cancels; Enter takes
 * @response when it is ADW_RESPONSE_SUGGESTED, but cancels a destructive one.
 */
AdwMessageDialog *vz_gui_confirm_dialog_new (GtkWidget             *widget,
                                             const char            *heading,
                                             const char            *body,
                                             const char            *response,
                                             const char            *label,
                                             AdwResponseAppearance  appearance);

/* "just now", "3 minutes ago", "2 days ago"; after 30 days the date as the
 * locale writes it; "Never" for NULL. */
char *vz_gui_format_relative_time (GDateTime *when,
                                   gint64     now_us);

/*
 * GBinding transforms from a string property. text_is_set: TRUE when the
 * text is neither NULL nor empty (for "visible", "reveal-child").
 * text_if_set: the text, and no change at all when it is unset, so a label
 * keeps its last words while the widget around it hides.
 */
gboolean vz_gui_transform_text_is_set (GBinding     *binding,
                                       const GValue *from,
                                       GValue       *to,
                                       gpointer      user_data);
gboolean vz_gui_transform_text_if_set (GBinding     *binding,
                                       const GValue *from,
                                       GValue       *to,
                                       gpointer      user_data);

/*
 * Any pointer event over a window or one of its popovers starts GTK's
 * tooltip delay on that surface. GTK 4.8 keeps the delay running when the
 * surface goes away, and then asks the vanished surface for the pointer
 * (Gdk-CRITICAL gdk_surface_get_device_position): a window closed within
 * half a second of a pointer event hits it. Called as @widget's window is
 * unrealized, this drops the display's pending tooltip, and its delay with
 * it; the next pointer event makes a new one.
 */
void vz_gui_drop_pending_tooltip (GtkWidget *widget);

/* A length of time to play, as a clock reads it: "0:45", "12:05", "1:02:09"
 * (transfer full). */
char *vz_gui_format_duration (guint seconds);
/* @n with the locale's thousands grouping ("10,000"; "10.000" in German). */
char *vz_gui_format_count    (guint n);

/* The symbolic icon of a kind of content ("image", "video", "url"…). */
const char *vz_gui_content_type_icon (const char *content_type);

/* Draws the symbolic icon @icon_name, @size px square, with its top left
 * corner at (@x, @y) of @widget, in @widget's CSS colour. For widgets that
 * draw an icon themselves instead of holding a GtkImage (a widget less to
 * style in each of a long list's rows). */
void vz_gui_snapshot_icon (GtkWidget   *widget,
                           GtkSnapshot *snapshot,
                           const char  *icon_name,
                           int          size,
                           float        x,
                           float        y);

/* Makes "content_icon" and "content_type_label" (a content type to its
 * icon name, to its badge) closures of @widget_class's template, for list
 * item factories that show VzContent. */
void vz_gui_bind_content_closures (GtkWidgetClass *widget_class);

/* Binds the string @key of @settings (a key with choices) to @row's
 * "selected": item i of the row is @values[i] (NULL-terminated, static). */
void vz_gui_bind_choice_row (GSettings          *settings,
                             const char         *key,
                             AdwComboRow        *row,
                             const char * const *values);

/* The style class of a status dot: "online", "idle", "pairing", "error" or "offline". */
const char *vz_gui_status_css_class (VzDisplayStatus status);

/*
 * Names the first visible widget of @type that acts as a button inside
 * @composite for screen readers: the parts that libadwaita 1.2 builds
 * without a name of their own (the arrow of an AdwSplitButton, a
 * GtkMenuButton; the peek button of an AdwPasswordEntryRow, a GtkButton).
 */
void vz_gui_name_inner_button (GtkWidget  *composite,
                               GType       type,
                               const char *label);

/* Names the first visible widget of @type inside @composite, whatever its
 * role (the search entry libadwaita 1.2 builds into an
 * AdwPreferencesWindow). */
void vz_gui_name_inner        (GtkWidget  *composite,
                               GType       type,
                               const char *label);

/* Names the play button, the position slider and the volume button of
 * the media controls GTK 4.8 builds into @video without names. */
void vz_gui_name_media_controls (GtkVideo *video);

/* Names (tooltip and accessible label) the previous and next month and
 * year buttons GTK 4.8 builds into @calendar with only an icon, and keeps
 * them out of the Tab order, where they hide the calendar's days from Tab;
 * the keys move the month and the year. */
void vz_gui_calendar_arrows (GtkCalendar *calendar);

/* Names the search entry, the search button and the sections' menu
 * button GTK 4.8 builds into @window without names. */
void vz_gui_name_shortcuts_window (GtkShortcutsWindow *window);

/* Names the parts libadwaita 1.2 builds into @about without names: the
 * subpages' Back buttons, the version button, the text views of the
 * debugging information (set before this is called) and the release
 * notes. */
void vz_gui_name_about_window (AdwAboutWindow *about);

/* When the popover of @button closes (Escape, a click elsewhere) with the
 * focus in it, the focus goes back to @button: GTK 4.8 leaves it on the
 * hidden popover's widget, where the next Tab starts from. */
void vz_gui_popover_gives_back_focus (GtkMenuButton *button);

/*
 * Puts @leaflet's own widgets (the shadow it draws over a sliding page)
 * after its pages. libadwaita 1.2 sets their style classes again each time
 * the leaflet is allocated, and in GTK 4.8 that restyles every widget after
 * them among their siblings, page by page: the whole window whenever
 * something in it asks for a new size (a scrolling list does, every frame).
 * Call it once the leaflet has its pages.
 */
void vz_gui_leaflet_pages_first (AdwLeaflet *leaflet);

/*
 * Names the close button of each toast @overlay shows ("Dismiss"), which
 * libadwaita 1.2 leaves without a name, as the toasts come.
 */
void vz_gui_name_toast_buttons (AdwToastOverlay *overlay);

/*
 * Makes @list (a GtkListBox or GtkFlowBox of items) one Tab stop, as a
 * GtkListView is: the arrows move between its rows, Tab and Shift+Tab leave
 * it for the next control whichever row has the focus.
 */
void vz_gui_list_one_tab_stop (GtkWidget *list);

G_END_DECLS
