/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-notification.h"
#include "vz-resource.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

/*
 * Notifications as a kind of record (kind "notification", GET
 * /notifications): the server's alerts and messages. They have no fields a
 * person changes; `health:alert` and `notification:new` carry a whole
 * notification and put it in the store (a new one, or a newer version of
 * one held: an alert that resolved). The kind is optional: a server
 * without the route leaves the store empty.
 *
 * Reading one, dismissing one and reading them all are direct requests, not
 * queued changes (the contract has no way to take them back, so there is
 * nothing to undo): the store shows the change at once and shows the old
 * value again when the server refuses it; the server's answer, when it is a
 * notification, replaces the record.
 */
extern const VzResource vz_notification_resource;

#define VZ_RESOURCE_NOTIFICATION "notification"

/* The notifications (a VzStore of VzNotification; transfer none). */
VzStore  *vz_sync_engine_get_notifications            (VzSyncEngine        *self);

/* PATCH /notifications/:id/read. */
void      vz_sync_engine_read_notification_async      (VzSyncEngine        *self,
                                                       const char          *id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* PATCH /notifications/:id/dismiss. */
void      vz_sync_engine_dismiss_notification_async   (VzSyncEngine        *self,
                                                       const char          *id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* POST /notifications/read-all. */
void      vz_sync_engine_read_all_notifications_async (VzSyncEngine        *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* Finishes any of the three: FALSE with the reason for people. */
gboolean  vz_sync_engine_notification_finish          (VzSyncEngine        *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* How many of @store's notifications are neither read nor dismissed. */
guint     vz_notifications_count_unread               (VzStore             *store);

G_END_DECLS
