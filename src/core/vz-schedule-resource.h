/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-resource.h"
#include "vz-schedule-record.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

/*
 * Schedules as a kind of record (kind "schedule", GET /schedules). The
 * name, description, priority, time window, playlist and "isActive" are
 * fields: vz_sync_engine_update_async() with {"priority": 5},
 * {"startTime": 480} ({"startTime": null}: no window) changes them
 * optimistically and undoably; deleting is vz_sync_engine_delete_async().
 * A priority of -1 cannot be set as a field (the engine reads -1 as "not
 * said"). `schedule:executed` {scheduleId, displayId, action} marks the
 * screens a schedule plays on now (VzSchedule "playing-count"); a schedule
 * the store does not hold yet is read again.
 */
extern const VzResource vz_schedule_resource;

#define VZ_RESOURCE_SCHEDULE "schedule"

/* vz_sync_engine_edit_async (engine, VZ_RESOURCE_SCHEDULE, id,
 * VZ_SCHEDULE_EDIT_WHEN, args): the weekdays, the dates and the screen or
 * group, optimistic and undoable like a field. @args: {"daysOfWeek": [1,
 * 2…], "startDate": "YYYY-MM-DD", "endDate": "YYYY-MM-DD" or null, and one
 * of "displayId" and "displayGroupId"; "display" {id, nickname} or
 * "displayGroup" {id, name} name it until the server answers}. */
#define VZ_SCHEDULE_EDIT_WHEN "when"

/* The schedules (a VzStore of VzSchedule; transfer none). */
VzStore    *vz_sync_engine_get_schedules            (VzSyncEngine        *self);

/* POST /schedules with @body (vizora-api.md, "Schedules": name, playlistId,
 * displayId or displayGroupId, daysOfWeek, startDate, …): a direct request,
 * the server gives the id and checks the values. Finish returns the new
 * schedule (transfer full). */
void        vz_sync_engine_create_schedule_async    (VzSyncEngine        *self,
                                                     JsonObject          *body,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
/* POST /schedules/:id/duplicate: "… (Copy)", inactive. */
void        vz_sync_engine_duplicate_schedule_async (VzSyncEngine        *self,
                                                     const char          *schedule_id,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
/* Finishes either of the two above. */
VzSchedule *vz_sync_engine_create_schedule_finish   (VzSyncEngine        *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* The rules (VzScheduleRule *, transfer full) of @store's schedules that
 * reach the screen @display_id in the groups @group_ids (NULL-terminated,
 * may be NULL): its own and its groups'. */
GPtrArray  *vz_schedule_rules_for_display           (VzStore             *store,
                                                     const char          *display_id,
                                                     const char * const  *group_ids);

/* The rules (transfer full) of @schedules that reach the screens a schedule
 * for @display_id or @group_id (one of them) would reach: for a screen, its
 * own and its groups'; for a group, the group's, its members' own and their
 * other groups'. @groups (VzDisplayGroup, with their members) may be NULL:
 * then only the screen's or the group's own. What the conflict check
 * compares a proposed schedule with (vz_schedule_conflicts()). */
GPtrArray  *vz_schedule_rules_reaching              (VzStore             *schedules,
                                                     VzStore             *groups,
                                                     const char          *display_id,
                                                     const char          *group_id);

G_END_DECLS
