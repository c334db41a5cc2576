/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-hub"

#include "config.h"

#include "vz-hub-private.h"

/*
 * The hub's lookup tables beyond the session and socket ids: one room per
 * organization (an array of its peers, for broadcasts) and the peers by
 * subject and by sign-in session.
 */

void
_vz_hub_room_free (VzHubRoom *room)
{
  g_ptr_array_unref (room->members);
  g_free (room->organization_id);
  g_free (room);
}

/* After a broadcast during which members left: squeeze out the holes. */
void
_vz_hub_room_compact (VzHub     *self,
                      VzHubRoom *room)
{
  guint out = 0;

  for (guint i = 0; i < room->members->len; i++)
    {
      VzHubPeer *member = g_ptr_array_index (room->members, i);

      if (member == NULL)
        continue;
      member->room_index = out;
      room->members->pdata[out++] = member;
    }
  g_ptr_array_set_size (room->members, out);
  room->holes = FALSE;
  if (out == 0)
    g_hash_table_remove (self->rooms, room->organization_id);
}

void
_vz_hub_room_join (VzHub      *self,
                   VzHubPeer  *peer,
                   const char *organization_id)
{
  VzHubRoom *room = g_hash_table_lookup (self->rooms, organization_id);

  if (peer->room != NULL)
    return;
  if (room == NULL)
    {
      room = g_new0 (VzHubRoom, 1);
      room->members = g_ptr_array_new ();
      room->organization_id = g_strdup (organization_id);
      g_hash_table_insert (self->rooms, room->organization_id, room);
    }
  peer->room = room;
  peer->room_index = room->members->len;
  g_ptr_array_add (room->members, peer);
}

void
_vz_hub_room_leave (VzHub     *self,
                    VzHubPeer *peer)
{
  VzHubRoom *room = peer->room;
  guint last;

  if (room == NULL)
    return;
  peer->room = NULL;

  if (room->emitting > 0)
    {
      /* A broadcast is walking the array: leave a hole, compacted afterwards. */
      room->members->pdata[peer->room_index] = NULL;
      room->holes = TRUE;
      return;
    }

  /* Swap-remove keeps leaving O(1) in a room of thousands. */
  last = room->members->len - 1;
  if (peer->room_index != last)
    {
      VzHubPeer *moved = g_ptr_array_index (room->members, last);

      room->members->pdata[peer->room_index] = moved;
      moved->room_index = peer->room_index;
    }
  g_ptr_array_set_size (room->members, last);

  if (room->members->len == 0)
    g_hash_table_remove (self->rooms, room->organization_id);
}

static void
index_add (GHashTable *index,
           const char *key,
           VzHubPeer  *peer)
{
  GPtrArray *list;

  if (key == NULL)
    return;
  list = g_hash_table_lookup (index, key);
  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (index, g_strdup (key), list);
    }
  g_ptr_array_add (list, peer);
}

static void
index_remove (GHashTable *index,
              const char *key,
              VzHubPeer  *peer)
{
  GPtrArray *list = key != NULL ? g_hash_table_lookup (index, key) : NULL;

  if (list == NULL)
    return;
  g_ptr_array_remove_fast (list, peer);
  if (list->len == 0)
    g_hash_table_remove (index, key);
}

void
_vz_hub_subject_add (VzHub     *self,
                     VzHubPeer *peer)
{
  index_add (self->subjects, peer->principal.subject_id, peer);
  index_add (self->sign_ins, peer->principal.session_id, peer);
}

void
_vz_hub_subject_remove (VzHub     *self,
                        VzHubPeer *peer)
{
  index_remove (self->subjects, peer->principal.subject_id, peer);
  index_remove (self->sign_ins, peer->principal.session_id, peer);
}
