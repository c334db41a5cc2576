/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The simulated screen's "screenshot": a PNG showing its name, so that a
 * person looking at the Devices page can tell screens apart.
 */
GBytes *vz_sim_render_screenshot (const char  *name,
                                  const char  *detail,
                                  int          width,
                                  int          height,
                                  guint32      hue_seed,
                                  GError     **error);

G_END_DECLS
