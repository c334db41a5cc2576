/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-display-health.h"

G_BEGIN_DECLS

/*
 * The screens ranked least healthy first (by score, then by name in the
 * locale's order), with the count of each health level, kept up to date one
 * screen at a time: placing a screen again costs a lookup and a move in a
 * balanced tree, not a sort of the fleet. Each screen's collation key is
 * made once and again only when its name changes.
 */
typedef struct _VzHealthRanking VzHealthRanking;

VzHealthRanking *vz_health_ranking_new              (void);
void             vz_health_ranking_free             (VzHealthRanking       *self);
void             vz_health_ranking_clear            (VzHealthRanking       *self);
void             vz_health_ranking_set              (VzHealthRanking       *self,
                                                     VzDisplay             *display,
                                                     const VzDisplayHealth *health);
/* Drops the screens for which @keep says FALSE; returns how many. */
guint            vz_health_ranking_retain           (VzHealthRanking       *self,
                                                     gboolean             (*keep) (VzDisplay *display,
                                                                                   gpointer   user_data),
                                                     gpointer               user_data);
gboolean         vz_health_ranking_contains         (VzHealthRanking       *self,
                                                     const char            *display_id);
guint            vz_health_ranking_get_n_screens    (VzHealthRanking       *self);
guint            vz_health_ranking_count            (VzHealthRanking       *self,
                                                     VzHealthLevel          level);
/* Screens online or idle when they were last placed. */
guint            vz_health_ranking_count_online     (VzHealthRanking       *self);
/* The @n least healthy, in order; the screens are borrowed from the ranking. */
GPtrArray       *vz_health_ranking_top              (VzHealthRanking       *self,
                                                     guint                  n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzHealthRanking, vz_health_ranking_free)

G_END_DECLS
