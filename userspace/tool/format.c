// SPDX-License-Identifier: GPL-2.0
/*
 * Heap lists and queue entries as aligned tables or as JSON
 */
#include <inttypes.h>
#include <string.h>

#include "format.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_COLUMNS	7
/*
 * Wide enough for a heap name, a number, every flag name or a purpose id's
 * name with the purpose.
 */
#define CELL_MAX	(V4L2HEAP_NAME_MAX + 16)
#define HEX_MAX		sizeof("0xffffffff")

struct flag_name {
	uint32_t flag;
	const char *name;
};

static const struct flag_name heap_caps[] = {
	{ V4L2HEAP_CAP_CONTIGUOUS, "contiguous" },
};

static const struct flag_name entry_flags[] = {
	{ V4L2HEAP_FL_CONTIGUOUS, "contiguous" },
	{ V4L2HEAP_FL_SELECTED, "selected" },
};

/*
 * Takes the next flag out of *@rest and returns its name; flags newer than
 * this tool come out last, together, in hex. NULL when none is left.
 */
static const char *next_flag(uint32_t *rest, const struct flag_name *names,
			     size_t count, char hex[HEX_MAX])
{
	size_t i;

	if (!*rest)
		return NULL;
	for (i = 0; i < count; i++) {
		if (*rest & names[i].flag) {
			*rest &= ~names[i].flag;
			return names[i].name;
		}
	}
	snprintf(hex, HEX_MAX, "%#" PRIx32, *rest);
	*rest = 0;
	return hex;
}

/* "contiguous,selected", or "-" for no flag at all */
static void flags_text(char text[CELL_MAX], uint32_t flags,
		       const struct flag_name *names, size_t count)
{
	char hex[HEX_MAX];
	const char *name;
	size_t len = 0;

	strcpy(text, "-");
	while ((name = next_flag(&flags, names, count, hex)))
		len += snprintf(text + len, CELL_MAX - len, "%s%s",
				len ? "," : "", name);
}

static const char *type_text(uint32_t type, char buf[CELL_MAX])
{
	const char *name = v4l2heap_type_name(type);

	if (name)
		return name;
	snprintf(buf, CELL_MAX, "type-%" PRIu32, type);
	return buf;
}

/* Tables */

struct column {
	const char *title;
	bool right;		/* numbers align on their last digit */
};

typedef void (*cells_fn)(const void *rows, size_t row,
			 char cells[][CELL_MAX]);

static void print_row(FILE *f, const char *indent, const struct column *cols,
		      size_t num_cols, const int *width,
		      char cells[][CELL_MAX])
{
	size_t c;

	for (c = 0; c < num_cols; c++) {
		const char *sep = c ? "  " : indent;

		if (cols[c].right)
			fprintf(f, "%s%*s", sep, width[c], cells[c]);
		else if (c == num_cols - 1)	/* no trailing blanks */
			fprintf(f, "%s%s", sep, cells[c]);
		else
			fprintf(f, "%s%-*s", sep, width[c], cells[c]);
	}
	fputc('\n', f);
}

/* Every column is as wide as its widest cell, title included. */
static void print_table(FILE *f, const char *indent, const struct column *cols,
			size_t num_cols, const void *rows, size_t num_rows,
			cells_fn cells)
{
	char text[MAX_COLUMNS][CELL_MAX];
	int width[MAX_COLUMNS];
	size_t r, c;

	for (c = 0; c < num_cols; c++)
		width[c] = strlen(cols[c].title);
	for (r = 0; r < num_rows; r++) {
		cells(rows, r, text);
		for (c = 0; c < num_cols; c++)
			if ((int)strlen(text[c]) > width[c])
				width[c] = strlen(text[c]);
	}

	for (c = 0; c < num_cols; c++)
		snprintf(text[c], CELL_MAX, "%s", cols[c].title);
	print_row(f, indent, cols, num_cols, width, text);
	for (r = 0; r < num_rows; r++) {
		cells(rows, r, text);
		print_row(f, indent, cols, num_cols, width, text);
	}
}

static const struct column heap_columns[] = {
	{ "NAME", false },
	{ "CAPS", false },
};

static void heap_cells(const void *rows, size_t row, char cells[][CELL_MAX])
{
	const struct v4l2heap_heap *heap = rows;

	heap += row;
	snprintf(cells[0], CELL_MAX, "%s", heap->name);
	flags_text(cells[1], heap->caps, heap_caps, ARRAY_SIZE(heap_caps));
}

static const struct column entry_columns[] = {
	{ "USAGE", false },
	{ "HEAP", false },
	{ "FLAGS", false },
	{ "BYTES/BUF", true },
	{ "COUNT", true },
	{ "HELD", true },
	{ "PURPOSE", false },
};

/*
 * The purpose id's name, "-" for queue entries. The kernel's text only
 * describes the id, so it is shown for ids newer than this library.
 */
static void purpose_text(char text[CELL_MAX],
			 const struct v4l2heap_entry *entry)
{
	const char *id = v4l2heap_purpose_name(entry->purpose_id);

	if (entry->purpose_id > V4L2HEAP_PURPOSE_METADATA && entry->purpose[0])
		id = entry->purpose;
	snprintf(text, CELL_MAX, "%s", id ? id : "-");
}

static void entry_cells(const void *rows, size_t row, char cells[][CELL_MAX])
{
	const struct v4l2heap_entry *entry = rows;

	entry += row;
	snprintf(cells[0], CELL_MAX, "%s", v4l2heap_usage_name(entry->usage));
	snprintf(cells[1], CELL_MAX, "%s", entry->heap);
	flags_text(cells[2], entry->flags, entry_flags,
		   ARRAY_SIZE(entry_flags));
	snprintf(cells[3], CELL_MAX, "%" PRIu64, entry->size);
	snprintf(cells[4], CELL_MAX, "%" PRIu32, entry->count);
	snprintf(cells[5], CELL_MAX, "%" PRIu64, entry->bytes);
	purpose_text(cells[6], entry);
}

void format_tables(FILE *f, const struct format_listing *listing)
{
	char buf[CELL_MAX];
	size_t q;

	if (listing->with_heaps)
		print_table(f, "", heap_columns, ARRAY_SIZE(heap_columns),
			    listing->heaps, listing->num_heaps, heap_cells);
	if (!listing->with_device)
		return;
	for (q = 0; q < listing->num_queues; q++) {
		const struct format_queue *queue = &listing->queues[q];

		if (listing->with_heaps || q)
			fputc('\n', f);
		fprintf(f, "%s queue:\n", type_text(queue->type, buf));
		print_table(f, "  ", entry_columns, ARRAY_SIZE(entry_columns),
			    queue->entries, queue->num_entries, entry_cells);
	}
}

/* JSON */

/*
 * The length of the well-formed UTF-8 sequence at @s (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), 0 if there is
 * none. The terminating NUL ends a truncated sequence as any other
 * byte below 0x80 does.
 */
static size_t utf8_length(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

/* JSON text is Unicode: bytes that are not UTF-8 become U+FFFD. */
void format_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	fputc('"', f);
	while (*p) {
		if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p);
			len = 1;
		} else if (*p < 0x20) {
			fprintf(f, "\\u%04x", *p);
			len = 1;
		} else {
			len = utf8_length(p);
			if (len)
				fwrite(p, 1, len, f);
			else
				fputs("\\ufffd", f);
		}
		p += len ? len : 1;
	}
	fputc('"', f);
}

static void json_flags(FILE *f, uint32_t flags, const struct flag_name *names,
		       size_t count)
{
	char hex[HEX_MAX];
	const char *name;
	bool first = true;

	fputc('[', f);
	while ((name = next_flag(&flags, names, count, hex))) {
		if (!first)
			fputc(',', f);
		format_json_string(f, name);
		first = false;
	}
	fputc(']', f);
}

static void json_heaps(FILE *f, const struct format_listing *listing)
{
	size_t i;

	fputs("\"heaps\":[", f);
	for (i = 0; i < listing->num_heaps; i++) {
		const struct v4l2heap_heap *heap = &listing->heaps[i];

		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		format_json_string(f, heap->name);
		fputs(",\"caps\":", f);
		json_flags(f, heap->caps, heap_caps, ARRAY_SIZE(heap_caps));
		fputc('}', f);
	}
	fputc(']', f);
}

static void json_entry(FILE *f, const struct v4l2heap_entry *entry)
{
	const char *purpose_id;

	fputs("{\"usage\":", f);
	format_json_string(f, v4l2heap_usage_name(entry->usage));
	fputs(",\"heap\":", f);
	format_json_string(f, entry->heap);
	fputs(",\"flags\":", f);
	json_flags(f, entry->flags, entry_flags, ARRAY_SIZE(entry_flags));
	fprintf(f, ",\"bytes_per_buffer\":%" PRIu64 ",\"count\":%" PRIu32
		",\"bytes\":%" PRIu64, entry->size, entry->count, entry->bytes);
	fputs(",\"purpose\":", f);
	format_json_string(f, entry->purpose);
	fputs(",\"purpose_id\":", f);
	purpose_id = v4l2heap_purpose_name(entry->purpose_id);
	if (purpose_id)
		format_json_string(f, purpose_id);
	else
		fputs("null", f);
	fputc('}', f);
}

static void json_device(FILE *f, const struct format_listing *listing)
{
	char buf[CELL_MAX];
	size_t q, e;

	fputs("\"device\":", f);
	format_json_string(f, listing->device);
	fputs(",\"queues\":[", f);
	for (q = 0; q < listing->num_queues; q++) {
		const struct format_queue *queue = &listing->queues[q];

		fputs(q ? ",{\"type\":" : "{\"type\":", f);
		format_json_string(f, type_text(queue->type, buf));
		fputs(",\"entries\":[", f);
		for (e = 0; e < queue->num_entries; e++) {
			if (e)
				fputc(',', f);
			json_entry(f, &queue->entries[e]);
		}
		fputs("]}", f);
	}
	fputc(']', f);
}

void format_json(FILE *f, const struct format_listing *listing)
{
	fputc('{', f);
	if (listing->with_heaps)
		json_heaps(f, listing);
	if (listing->with_heaps && listing->with_device)
		fputc(',', f);
	if (listing->with_device)
		json_device(f, listing);
	fputs("}\n", f);
}
