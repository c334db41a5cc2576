/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-device-detail.h"

G_BEGIN_DECLS

/* For tests: the fields a person edits. */
GtkWidget  *_vz_device_detail_get_name_row          (VzDeviceDetail *self);
GtkWidget  *_vz_device_detail_get_timezone_row      (VzDeviceDetail *self);
/* Under the screen's name: whether its changes are saved, else its location */
const char *_vz_device_detail_get_subtitle          (VzDeviceDetail *self);
/* The figures shown: "cpu", "memory", "disk", "temperature", "uptime" */
const char *_vz_device_detail_get_figure            (VzDeviceDetail *self,
                                                     const char     *which);
GtkButton  *_vz_device_detail_get_screenshot_button (VzDeviceDetail *self);
/* "none", "waiting", "picture" or "error" */
const char *_vz_device_detail_get_screenshot_state  (VzDeviceDetail *self);
/* The picture shown, or the sentence shown instead */
GdkPaintable *_vz_device_detail_get_screenshot      (VzDeviceDetail *self);
const char *_vz_device_detail_get_screenshot_error  (VzDeviceDetail *self);

G_END_DECLS
