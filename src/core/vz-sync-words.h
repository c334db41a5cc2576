/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-mutation.h"
#include "vz-resource.h"

G_BEGIN_DECLS

/*
 * The sentences people read about records and their changes, in one place:
 * every kind's words, what a change did or will do, why a change cannot be
 * made, a conflict, the connection state. The strings are marked for
 * translation here and translated when used.
 */
struct _VzResourceWords
{
  const char *unnamed;           /* "a screen" */
  const char *gone;              /* "This screen no longer exists." */
  const char *none_selected;     /* "No screens were selected." */
  const char *not_changeable;    /* "“%s” cannot be changed on a screen." */
  const char *no_undelete;       /* "A deleted screen cannot come back: …": why a
                                  * delete that landed cannot be undone (for
                                  * kinds that make records again: no copy kept) */
  const char *conflict_unnamed;  /* "Someone else changed this screen …" */
  const char *deleted_n[2];      /* "Deleted %u screen", "Deleted %u screens" */
  const char *delete_n[2];
  const char *changed_field_n[2]; /* "Changed the %s of %u screen": one field, several records */
  const char *changed_n[2];       /* "Changed %u screen": several fields */
  const char *change_field_n[2];
  const char *change_n[2];
  /* Links (kinds with a VzResourceLink) */
  const char *unlinked;          /* "Took “%s” out of its group" */
  const char *unlink;
  const char *linked_n[2];       /* "Added %u screen to “%s”" */
  const char *link_n[2];
  const char *unlinked_n[2];     /* "Took %u screen out of the group" */
  const char *unlink_n[2];
};

extern const VzResourceWords vz_display_words;
extern const VzResourceWords vz_display_group_words;
extern const VzResourceWords vz_content_words;
extern const VzResourceWords vz_tag_words;
extern const VzResourceWords vz_playlist_words;
extern const VzResourceWords vz_schedule_words;

/* Looks up the records a sentence names. */
typedef VzEntity *(*VzWordsLookup) (const VzResource *resource,
                                    const char       *id,
                                    gpointer          user_data);

/* What @m does ("Rename “Lobby” to “Hall”") or, @done, did ("Renamed …"). */
char       *vz_words_describe_change   (const VzResource *resource,
                                        VzMutation       *m,
                                        gboolean          done,
                                        VzWordsLookup     lookup,
                                        gpointer          user_data);
/* One user action of several requests: what it does or, @done, did. */
char       *vz_words_describe_action   (const VzResource *resource,
                                        GPtrArray        *mutations,
                                        gboolean          done,
                                        VzWordsLookup     lookup,
                                        gpointer          user_data);
/* An Undo entry whose change can no longer be undone: @label (what it did)
 * and @reason (a sentence) in one. */
char       *vz_words_cannot_undo       (const char       *label,
                                        const char       *reason);
/* "Someone else changed “Lobby” in the meantime. Keep your change or theirs?" */
char       *vz_words_conflict          (const VzResource *resource,
                                        const char       *title);
const char *vz_words_translate         (const char       *text);
const char *vz_words_plural            (const char * const forms[2],
                                        gulong            n);
/* The header's text: "Online", "Offline · 3 pending · 1 failed · 1 conflict"
 * (transfer full). @pending counts all changes, @failed and @conflicts among them. */
char       *vz_words_status_label      (const char       *state_label,
                                        guint             pending,
                                        guint             failed,
                                        guint             conflicts);

G_END_DECLS
