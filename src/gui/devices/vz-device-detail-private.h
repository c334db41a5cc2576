/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-device-detail.h"

G_BEGIN_DECLS

struct _VzDeviceDetail
{
  GtkWidget            parent_instance;

  VzSyncEngine        *engine;
  VzDisplay           *display;
  GSignalGroup        *engine_signals;
  GSignalGroup        *session_signals;
  GSignalGroup        *groups_signals;
  GSignalGroup        *display_signals;
  GSignalGroup        *schedules_signals;
  GCancellable        *cancellable;             /* changes; cancelled on dispose */
  GCancellable        *screenshot_cancellable;  /* per display */
  GCancellable        *metrics_cancellable;     /* per display */
  GListModel          *group_choices;
  GListModel          *playlist_choices;         /* "No playlist", then the engine's playlists */
  gboolean             playlist_choices_changing;
  guint                screenshot_timeout_id;
  guint                last_seen_id;
  guint                metrics_id;
  gboolean             metrics_in_flight;
  gboolean             waiting_for_screenshot;
  gboolean             updating;

  /* template children */
  GtkWidget           *header;
  AdwWindowTitle      *title;
  AdwPreferencesGroup *settings_group;
  AdwEntryRow         *name_row;
  AdwEntryRow         *location_row;
  AdwComboRow         *orientation_row;
  AdwEntryRow         *timezone_row;
  AdwComboRow         *group_row;
  AdwComboRow         *playlist_row;
  GtkWidget           *status_dot;
  GtkLabel            *status_label;
  GtkLabel            *last_seen_label;
  AdwActionRow        *now_row;
  GtkLabel            *resolution_label;
  GtkLabel            *identifier_label;
  GtkLabel            *cpu_label;
  GtkLabel            *memory_label;
  GtkLabel            *disk_label;
  GtkLabel            *temperature_label;
  GtkLabel            *uptime_label;
  GtkWidget           *screenshot_button;
  GtkStack            *screenshot_stack;
  GtkSpinner          *screenshot_spinner;
  GtkPicture          *screenshot_picture;
  GtkLabel            *screenshot_error;
  GtkWidget           *commands_box;
};

/* vz-device-detail.c */
/* The orientation row's items, in order (wire names). */
#define VZ_DEVICE_DETAIL_N_ORIENTATIONS 4
extern const char * const _vz_device_detail_orientations[VZ_DEVICE_DETAIL_N_ORIENTATIONS];
gboolean    _vz_device_detail_can_write             (VzDeviceDetail *self);
/* Shows the screen's fields and figures again (leaving a field being typed in). */
void        _vz_device_detail_refresh               (VzDeviceDetail *self);
/* The group row on the screen's group ("No group" without one). */
void        _vz_device_detail_update_group_selection (VzDeviceDetail *self);

/* vz-device-detail-actions.c: the fields a person edits, and the commands. */
void        _vz_device_detail_class_actions_init    (GtkWidgetClass *widget_class);

/* vz-device-detail-playlist.c: the Playlist row gives the screen one of
 * the engine's playlists, or none. */
void        _vz_device_detail_class_playlist_init   (GtkWidgetClass *widget_class);
/* The row chooses among @engine's playlists (NULL: none). */
void        _vz_device_detail_playlist_follow       (VzDeviceDetail *self,
                                                     VzSyncEngine   *engine);
/* The row on the screen's playlist. */
void        _vz_device_detail_update_playlist_selection (VzDeviceDetail *self);

/* vz-device-detail-figures.c: the heartbeat figures, read again every few
 * seconds while the pane is mapped. */
void        _vz_device_detail_show_figures          (VzDeviceDetail *self);
void        _vz_device_detail_update_metrics_timer  (VzDeviceDetail *self);
/* Drops a read of the previous screen. */
void        _vz_device_detail_reset_metrics         (VzDeviceDetail *self);

/* vz-device-detail-now.c: what plays here now, why, and what comes next
 * (vz_schedule_describe_now()), shown again when the schedules change or
 * one starts or ends. */
void        _vz_device_detail_now_init              (VzDeviceDetail *self);
void        _vz_device_detail_show_now              (VzDeviceDetail *self);

/* vz-device-detail-screenshot.c */
void        _vz_device_detail_class_screenshot_init (GtkWidgetClass *widget_class);
/* The engine's "realtime-event::screenshot:ready" */
void        _vz_device_detail_on_screenshot_ready   (VzDeviceDetail *self,
                                                     const char     *name,
                                                     JsonNode       *payload,
                                                     VzSyncEngine   *engine);
/* Drops the previous screen's picture and any on its way. */
void        _vz_device_detail_reset_screenshot      (VzDeviceDetail *self);

/* For tests: the fields a person edits. */
GtkWidget  *_vz_device_detail_get_name_row          (VzDeviceDetail *self);
GtkWidget  *_vz_device_detail_get_timezone_row      (VzDeviceDetail *self);
AdwComboRow *_vz_device_detail_get_playlist_row     (VzDeviceDetail *self);
/* Under the screen's name: whether its changes are saved, else its location */
const char *_vz_device_detail_get_subtitle          (VzDeviceDetail *self);
/* The figures shown: "cpu", "memory", "disk", "temperature", "uptime" */
const char *_vz_device_detail_get_figure            (VzDeviceDetail *self,
                                                     const char     *which);
/* The "Playing Now" row's text: now, then "Next: …" */
const char *_vz_device_detail_get_now               (VzDeviceDetail *self);
GtkButton  *_vz_device_detail_get_screenshot_button (VzDeviceDetail *self);
/* "none", "waiting", "picture" or "error" */
const char *_vz_device_detail_get_screenshot_state  (VzDeviceDetail *self);
/* The picture shown, or the sentence shown instead */
GdkPaintable *_vz_device_detail_get_screenshot      (VzDeviceDetail *self);
const char *_vz_device_detail_get_screenshot_error  (VzDeviceDetail *self);

G_END_DECLS
