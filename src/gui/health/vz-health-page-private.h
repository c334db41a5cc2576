/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-alert-row.h"
#include "vz-chart.h"
#include "vz-health-page.h"
#include "vz-health-ranking.h"

G_BEGIN_DECLS

/* The feed and the list show this many; the headings say how many more. */
#define ALERTS_SHOWN 100
#define SCREENS_SHOWN 50
/* Changes are gathered for this long before the counts and lists move. */
#define REFRESH_MS 500
/* More new screens than this at once are placed in one pass over the store. */
#define MAX_DIRTY_SCREENS 1000

struct _VzHealthPage
{
  GtkWidget           parent_instance;

  VzSyncEngine       *engine;
  GSignalGroup       *engine_signals;
  GSignalGroup       *displays_signals;
  GSignalGroup       *alerts_signals;
  GCancellable       *cancellable;     /* the charts' read */
  GCancellable       *life;            /* the figures' reads; cancelled on dispose */
  guint               refresh_id;

  /* alerts: store → filter → sort (newest first) → slice */
  GtkFilterListModel *alerts_filtered;
  GtkSortListModel   *alerts_sorted;
  GtkSliceListModel  *alerts_slice;
  /* screens: the ranking (least healthy first), its first SCREENS_SHOWN in a list */
  VzHealthRanking    *ranking;
  GListStore         *screens_shown;
  GHashTable         *open_alerts;     /* display id → GPtrArray of its open VzNotification */
  /* What changed since the last refresh. The page does its work only while
   * it is shown: changes made meanwhile are kept here for its next showing. */
  GHashTable         *dirty_screens;   /* display ids to assess again */
  gboolean            reassess_all;
  gboolean            prune;           /* screens left the store */
  gboolean            alerts_dirty;
  gboolean            stale;           /* a refresh is owed for when the page shows */
  GHashTable         *reading;         /* display ids whose figures are being read */

  char               *screen_id;       /* whose charts show */
  gboolean            week;

  GtkStack           *stack;
  GtkLabel           *online_count;
  GtkLabel           *offline_count;
  GtkLabel           *warning_count;
  GtkLabel           *critical_count;
  GtkWidget          *online_card;
  GtkWidget          *offline_card;
  GtkWidget          *warning_card;
  GtkWidget          *critical_card;
  GtkLabel           *alerts_heading;
  GtkDropDown        *severity_dropdown;
  GtkToggleButton    *unread_toggle;
  GtkFlowBox         *counts_box;
  GtkListBox         *alerts_list;
  GtkLabel           *alerts_more_label;
  GtkListBox         *screens_list;
  GtkLabel           *screens_more_label;
  GtkLabel           *screen_title;
  GtkLabel           *screen_reason;
  GtkToggleButton    *day_toggle;
  GtkLabel           *charts_status;
  VzChart            *cpu_chart;
  VzChart            *memory_chart;
  VzChart            *disk_chart;
  VzChart            *temperature_chart;
};

static inline VzStore *
_vz_health_page_displays (VzHealthPage *self)
{
  return self->engine != NULL ? vz_sync_engine_get_displays (self->engine) : NULL;
}

void       _vz_health_page_assess               (VzHealthPage    *self,
                                                 VzDisplay       *display,
                                                 VzDisplayHealth *health);
GtkWidget *_vz_health_page_create_screen_row    (gpointer         item,
                                                 gpointer         user_data);
void       _vz_health_page_mark_screen_dirty    (VzHealthPage    *self,
                                                 const char      *display_id);
void       _vz_health_page_collect_open_alerts  (VzHealthPage    *self,
                                                 VzStore         *alerts);
void       _vz_health_page_update_ranking       (VzHealthPage    *self);
void       _vz_health_page_update_shown_screens (VzHealthPage    *self);

G_END_DECLS
