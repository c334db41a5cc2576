/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-pair-dialog.h"

G_BEGIN_DECLS

/* For tests: the widgets a person types into and reads. */
AdwEntryRow *_vz_pair_dialog_get_code_row (VzPairDialog *self);
/* The message under the code field; NULL when nothing is wrong. */
const char  *_vz_pair_dialog_get_message  (VzPairDialog *self);
gboolean     _vz_pair_dialog_can_pair     (VzPairDialog *self);

G_END_DECLS
