/*
 * geo.h - French departments and which border which: what the guard needs
 * to tell a patient from near the practice (its department or a
 * neighbouring one) from one from far away. One list for the server, `vigie
 * replay` and the simulator (sim/popdata adds populations and towns to the
 * same indices).
 *
 * Indices 0..100: "01".."19" are 0..18, "2A" 19, "2B" 20, "21".."95" are
 * 21..95, "971".."974" 96..99 and "976" 100. Pure; thread-safe.
 */
#ifndef VIGIE_CORE_GEO_H
#define VIGIE_CORE_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEO_DEPTS     101
#define GEO_NEIGH_MAX 10

/* The index of a department code (len bytes: "01", "2A", "2b", "974"), or -1. */
int geo_dept_index(const char *code, size_t len);
/* The code of department i ("" when out of range). */
const char *geo_dept_code(int i);
/* Department i's neighbours (indices, *out), and how many. */
unsigned geo_neighbours(int i, const uint8_t **out);
/* Whether j is i or one of its neighbours. */
bool geo_near_index(int i, int j);
/* 1: b is a or a neighbour of a; 0: far; -1: one of them is not a department (or NULL). */
int geo_near(const char *a, const char *b);

#endif
