/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-devices-page.h"
#include "vz-device-detail.h"
#include "vz-banner.h"
#include "vz-bulk-bar.h"
#include "vz-fleet-summary.h"
#include "vz-local-server.h"

G_BEGIN_DECLS

/* Columns a narrow list drops: playlist, location, group, last seen. */
#define VZ_DEVICES_PAGE_N_OPTIONAL_COLUMNS 4

struct _VzDevicesPage
{
  GtkWidget            parent_instance;

  VzSyncEngine        *engine;
  GSignalGroup        *engine_signals;
  GSignalGroup        *session_signals;
  GSignalGroup        *displays_signals;
  /* The engine's playlists: "playlists-stamp" moves on when one comes,
   * goes or is renamed, so the Playlist cells show its name. */
  GSignalGroup        *playlists_signals;
  guint                playlists_stamp;
  GCancellable        *cancellable;
  gint64               clock;
  guint                clock_id;
  guint                resort_id;

  char                *search;          /* casefolded, NULL when empty */
  gboolean             search_ascii;
  VzDisplayStatus      status_filter;   /* UNKNOWN: every status */

  GtkCustomFilter     *filter;
  GtkFilterListModel  *filter_model;
  GtkSortListModel    *sort_model;
  GtkSliceListModel   *rows;            /* the first frame's rows (vz-devices-page-rows.c) */
  guint                rows_tick_id;
  guint                rows_ticks;
  GtkMultiSelection   *selection;
  GtkSorter           *status_sorter;
  GtkSorter           *last_seen_sorter;
  guint                n_selected;
  gboolean             selection_mode;
  gboolean             selecting;       /* the selection is being made to act on (not a plain click) */
  guint                click_position;  /* the row a plain click pressed, until released */
  GtkColumnViewColumn *check_column;

  /* Whether what the rows show is live (vz-devices-page-truth.c) */
  gboolean             live;
  gint64               last_contact;   /* µs; 0: never */
  VzFleetSummary      *summary;
  GSignalGroup        *summary_signals;
  VzLocalServer       *local_server;
  GSignalGroup        *local_server_signals;
  char                *summary_label;
  guint                truth_id;        /* the counts changed: shown once before the next frame */
  /* The simulated screens of the fleet on this computer
   * (vz-devices-page-simulated.c) */
  GSignalGroup        *simulator_signals;

  /* How the page fits its width (vz-devices-page-adaptive.c) */
  GtkColumnViewColumn *optional_columns[VZ_DEVICES_PAGE_N_OPTIONAL_COLUMNS];  /* the first goes first */
  int                  optional_widths[VZ_DEVICES_PAGE_N_OPTIONAL_COLUMNS];  /* while hidden */
  guint                fit_columns_id;
  guint                detail_page_id;
  gboolean             showing_detail_page;

  /* template children */
  AdwLeaflet          *leaflet;
  GtkWidget           *detail_separator;
  GtkWidget           *toolbar;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *status_dropdown;
  GtkStack            *state_stack;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *empty_page;
  AdwStatusPage       *error_page;
  AdwStatusPage       *no_results_page;
  GtkLabel            *simulator_hint;
  GtkWidget           *simulate_button;
  GtkColumnView       *column_view;
  VzBulkBar           *bulk_bar;
  VzDeviceDetail      *detail;
  VzBanner            *connection_banner;
  VzBanner            *outage_banner;
  VzBanner            *server_banner;
};

/* vz-devices-page.c */
gboolean        _vz_devices_page_can_write       (VzDevicesPage *self);
/* Names are ASCII nearly always: searching and sorting them then need no
 * casefolded copies. */
gboolean        _vz_devices_page_is_ascii        (const char    *text);
void            _vz_devices_page_update_state    (VzDevicesPage *self);
/* The detail pane beside the list, or instead of it when narrow. */
void            _vz_devices_page_show_detail     (VzDevicesPage *self,
                                                  gboolean       show);
/* Shows the screen at @position of the list in the detail pane. */
void            _vz_devices_page_open_detail     (VzDevicesPage *self,
                                                  guint          position);

/* vz-devices-page-columns.c: the columns and their cells, and the sorters
 * status events re-run (status_sorter, last_seen_sorter). */
void            _vz_devices_page_build_columns   (VzDevicesPage *self);

/* vz-devices-page-truth.c: live or last known, the counts, the banners. */
void            _vz_devices_page_truth_class_init (GtkWidgetClass *widget_class);
void            _vz_devices_page_truth_init      (VzDevicesPage *self);
void            _vz_devices_page_truth_dispose   (VzDevicesPage *self);
/* The engine changed, or what the page shows of it. */
void            _vz_devices_page_update_truth    (VzDevicesPage *self);
/* devices.retry's reconnect: the realtime link too, when it is down. */
void            _vz_devices_page_reconnect       (VzDevicesPage *self);
typedef enum {
  VZ_DEVICES_PAGE_TRUTH_LIVE,
  VZ_DEVICES_PAGE_TRUTH_LAST_CONTACT,
  VZ_DEVICES_PAGE_TRUTH_SUMMARY_LABEL,
} VzDevicesPageTruth;
/* vz-devices-page.c: notifies the property @what names. */
void            _vz_devices_page_notify_truth    (VzDevicesPage      *self,
                                                  VzDevicesPageTruth  what);

/* vz-devices-page-adaptive.c: the columns that fit, and the detail as a
 * page of its own when it does not fit beside the list. */
void            _vz_devices_page_adaptive_init    (VzDevicesPage *self);
void            _vz_devices_page_adaptive_dispose (VzDevicesPage *self);
const char     *_vz_devices_page_get_title        (VzDevicesPage *self);
const char     *_vz_devices_page_get_subtitle     (VzDevicesPage *self);
/* vz-devices-page.c: notifies "title" and "subtitle", and
 * "showing-detail-page" too when @detail_page_changed. */
void            _vz_devices_page_notify_header    (VzDevicesPage *self,
                                                   gboolean       detail_page_changed);
/* vz-devices-page-simulated.c: the empty fleet on this computer offers
 * Add Simulated Screens… (devices.add-simulated); the simulator's failure
 * is told. */
void            _vz_devices_page_simulated_class_init (GtkWidgetClass *widget_class);
void            _vz_devices_page_simulated_init    (VzDevicesPage *self);
void            _vz_devices_page_simulated_dispose (VzDevicesPage *self);
/* The engine, the fleet server or the state changed. */
void            _vz_devices_page_update_simulated  (VzDevicesPage *self);

/* vz-devices-page-actions.c: devices.pair, .delete, .add-to-group, .retry,
 * .close-detail and their keys. */
void            _vz_devices_page_class_actions_init (GtkWidgetClass *widget_class);
/* The ids of the selected screens, in list order (transfer full: a
 * GPtrArray of char*); @first_name, when not NULL, the first one's name. */
GPtrArray      *_vz_devices_page_collect_selected_ids (VzDevicesPage *self,
                                                       char         **first_name);

/* vz-devices-page-selection.c: clicks, selection mode, the bulk bar and
 * devices.reload, .restart, .reboot, .set-location, .selection-mode. */
void            _vz_devices_page_selection_class_init (GtkWidgetClass *widget_class);
void            _vz_devices_page_selection_init  (VzDevicesPage *self);
/* n_selected changed. */
void            _vz_devices_page_selection_changed (VzDevicesPage *self);
void            _vz_devices_page_selection_mode_changed (VzDevicesPage *self);
/* Whether the bulk bar shows (with the list): in selection mode, or while
 * screens are being chosen to act on. */
gboolean        _vz_devices_page_bulk_bar_wanted (VzDevicesPage *self);

/* vz-devices-page-playlist.c: devices.assign-playlist, one playlist (or
 * none) for the selected screens. */
void            _vz_devices_page_playlist_class_init (GtkWidgetClass *widget_class);

/* For tests: what the page shows, as a person would see it. */
/* vz-devices-page-rows.c: the list's rows, a first screenful of them while
 * the list fills from empty; the selection model over them. */
GtkSelectionModel *_vz_devices_page_rows_init    (VzDevicesPage *self);
void            _vz_devices_page_rows_dispose    (VzDevicesPage *self);
/* Every row at once, for what looks for an item's row. */
void            _vz_devices_page_show_all_rows   (VzDevicesPage *self);

GtkColumnView  *_vz_devices_page_get_column_view (VzDevicesPage *self);
/* "loading", "empty", "error", "no-results" or "list" */
const char     *_vz_devices_page_get_state       (VzDevicesPage *self);
GtkWidget      *_vz_devices_page_get_state_widget (VzDevicesPage *self,
                                                   const char    *state);
GtkSearchEntry *_vz_devices_page_get_search_entry (VzDevicesPage *self);
GtkDropDown    *_vz_devices_page_get_status_dropdown (VzDevicesPage *self);
VzDeviceDetail *_vz_devices_page_get_detail      (VzDevicesPage *self);
VzBulkBar      *_vz_devices_page_get_bulk_bar    (VzDevicesPage *self);
VzBanner       *_vz_devices_page_get_banner      (VzDevicesPage *self,
                                                  const char    *which);  /* "connection", "outage", "server" */

G_END_DECLS
