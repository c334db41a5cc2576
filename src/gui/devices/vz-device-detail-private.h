/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-device-detail.h"

G_BEGIN_DECLS

/* For tests: the fields a person edits. */
GtkWidget *_vz_device_detail_get_name_row (VzDeviceDetail *self);

G_END_DECLS
