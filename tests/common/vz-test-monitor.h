/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A network monitor whose availability the test sets, standing in for the
 * system's (netlink) monitor, which a test cannot switch off. Hand it to the
 * engine as its "network-monitor"; the server behind it stays real.
 */
#define VZ_TYPE_TEST_MONITOR (vz_test_monitor_get_type ())
G_DECLARE_FINAL_TYPE (VzTestMonitor, vz_test_monitor, VZ, TEST_MONITOR, GObject)

VzTestMonitor *vz_test_monitor_new           (gboolean       available);
void           vz_test_monitor_set_available (VzTestMonitor *self,
                                              gboolean       available);

G_END_DECLS
