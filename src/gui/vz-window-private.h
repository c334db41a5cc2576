/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-window.h"
#include "vz-pending-popover.h"

G_BEGIN_DECLS

/* How long a change waits, online, before the header names it. */
#define PENDING_SHOWN_AFTER_MS 1000

struct _VzWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  VzSyncEngine         *engine;
  /* The engine, its session and its screens, followed while the window is
   * realized (see follow_engine()). */
  GSignalGroup         *engine_signals;
  GSignalGroup         *session_signals;
  GSignalGroup         *displays_signals;
  GBindingGroup        *engine_bindings;
  GBindingGroup        *session_bindings;
  GCancellable         *cancellable;
  guint                 snapshot_age_id;
  guint                 header_update_id;
  guint                 pending_wait_id;  /* the first change waiting, a second on */
  gboolean              pending_waited;
  gboolean              undoing;        /* an undo or a redo is being queued */
  gboolean              disposed;
  char                 *last_toast;     /* plain text, for tests */
  GQueue                toasts;         /* of AdwToast, shown in the frame after the next */
  gint64                toasts_frame;   /* the frame counter when they came */
  guint                 toasts_tick_id;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  GMenu                *history_section; /* the primary menu's Undo and Redo */
  VzWelcomePage        *welcome_page;
  GtkSpinner           *busy_spinner;
  GtkLabel             *busy_label;
  AdwLeaflet           *leaflet;
  GtkListBox           *sidebar_list;
  GtkListBoxRow        *devices_row;
  GtkLabel             *devices_count_label;
  GtkLabel             *devices_summary_label;
  GtkLabel             *sidebar_org_label;
  GtkLabel             *sidebar_user_label;
  GtkMenuButton        *account_button;
  GtkWidget            *account_switcher;
  GtkMenuButton        *primary_menu_button;
  GtkLabel             *account_org_label;
  GtkLabel             *account_user_label;
  GtkWidget            *back_button;
  AdwWindowTitle       *content_title;
  GtkMenuButton        *connection_button;
  GtkToggleButton      *select_button;
  GtkWidget            *pair_button;
  GtkWidget            *connection_box;
  GtkWidget            *connection_dot;
  GtkLabel             *connection_label;
  GtkWidget            *connection_arrow;
  VzPendingPopover     *pending_popover;
  GtkRevealer          *availability_revealer;
  GtkLabel             *availability_label;
  GtkRevealer          *keyring_revealer;
  GtkLabel             *keyring_label;
  GtkRevealer          *snapshot_revealer;
  GtkLabel             *snapshot_label;
  GtkStack             *content_stack;
  VzDevicesPage        *devices_page;
  /* Made when first shown (_vz_window_ensure_page()), owned by content_stack: */
  VzPlaylistsPage      *playlists_page;
  GtkListBoxRow        *playlists_row;
  VzContentPage        *content_page;
  GtkListBoxRow        *content_row;
  VzSchedulesPage      *schedules_page;
  GtkListBoxRow        *schedules_row;
  VzHealthPage         *health_page;
  GtkListBoxRow        *health_row;
  VzAnalyticsPage      *analytics_page;
  GtkListBoxRow        *analytics_row;
};

/* vz-window.c: the page of the content stack named @name ("devices",
 * "playlists", "content", "schedules", "health", "analytics"), made and added
 * if it was not yet; NULL for another name or once the window is disposed. */
GtkWidget        *_vz_window_ensure_page           (VzWindow   *self,
                                                    const char *name);

/* vz-window-actions.c: the window's verbs and their keys */
void              _vz_window_class_actions_init    (GtkWidgetClass *widget_class);
/* Enables the verbs the engine, the person's role and the page allow. */
void              _vz_window_update_actions        (VzWindow     *self);

/* vz-window-changes.c */
void              _vz_window_class_changes_init    (GtkWidgetClass *widget_class);
/* Shows @toast (transfer full) in the frame after the one being made,
 * after the toasts before it (at once when the window is not shown). */
void              _vz_window_add_toast             (VzWindow     *self,
                                                    AdwToast     *toast);
/* Stops waiting for the frame the queued toasts wait for. */
void              _vz_window_stop_toasts_wait      (VzWindow     *self);
/* @text is the toast's title as plain text. */
AdwToast         *_vz_window_toast_new             (VzWindow     *self,
                                                    const char   *text);
void              _vz_window_update_undo           (VzWindow     *self);
void              _vz_window_on_holding            (VzWindow     *self,
                                                    GParamSpec   *pspec,
                                                    VzSyncEngine *engine);
void              _vz_window_on_change_queued      (VzWindow     *self,
                                                    VzMutation   *mutation,
                                                    const char   *label,
                                                    VzSyncEngine *engine);
void              _vz_window_on_change_failed      (VzWindow     *self,
                                                    VzMutation   *mutation,
                                                    const GError *error,
                                                    VzSyncEngine *engine);
void              _vz_window_on_change_conflict    (VzWindow     *self,
                                                    VzMutation   *mutation,
                                                    const char   *sentence,
                                                    VzSyncEngine *engine);
/* "Rename “Lobby”" → "rename “Lobby”", to follow "Couldn’t" or "Offline — ". */
char             *_vz_window_lowercase_first       (const char   *text);

/* For tests: what the window shows, as a person would see it. */
/* The text of the newest toast (plain, as read), or NULL. */
const char       *_vz_window_get_last_toast        (VzWindow   *self);
/* The header's connection indicator: "Offline · 1 pending". */
const char       *_vz_window_get_connection_label  (VzWindow   *self);
GtkMenuButton    *_vz_window_get_connection_button (VzWindow   *self);
VzPendingPopover *_vz_window_get_pending_popover   (VzWindow   *self);
/* The strip under the header, "availability", "keyring" or "snapshot": its sentence,
 * or NULL while it is hidden. */
const char       *_vz_window_get_strip             (VzWindow   *self,
                                                    const char *which);

/* The sidebar's list of pages. */
GtkListBox       *_vz_window_get_sidebar            (VzWindow  *self);

/* The main menu's line that names the signed-in person. */
GtkLabel         *_vz_window_get_menu_account_label (VzWindow  *self);
/* The sidebar's account switcher (its popover a VzAccountSwitcher). */
GtkMenuButton    *_vz_window_get_account_button    (VzWindow  *self);

G_END_DECLS
