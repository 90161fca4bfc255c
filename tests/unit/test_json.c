/*
 * test_json.c - the Jansson adapter (base/json.c): the writer's layout,
 * number policy, escaping of any bytes, sticky out-of-memory; the reader's
 * accessors and error positions.
 *
 * The test (not the library) sets Jansson's allocator to make allocations
 * fail, so that it can show a writer reporting out of memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "stabforce/stabforce.h"

static sf_status write_doc(void (*build)(sf_json_writer *), sf_json_style style, sf_buf *out)
{
	sf_json_writer w;
	sf_error err;
	sf_error_clear(&err);
	sf_json_writer_init(&w);
	build(&w);
	return sf_json_writer_finish(&w, style, out, &err);
}

static void build_small(sf_json_writer *w)
{
	sf_json_object(w, NULL);
	sf_json_str(w, "name", "Gaza ISF");
	sf_json_num(w, "whole", 12.0);
	sf_json_num(w, "neg_zero", -0.0);
	sf_json_num(w, "real", 0.1 + 0.2);
	sf_json_num(w, "nan", 0.0 / 0.0);
	sf_json_num(w, "big", 1e20);
	sf_json_int(w, "int", -7);
	sf_json_bool(w, "yes", 1);
	sf_json_null(w, "none");
	sf_json_str(w, "null_str", NULL);
	sf_json_array(w, "empty");
	sf_json_end(w);
	sf_json_array(w, "list");
	sf_json_int(w, NULL, 1);
	sf_json_int(w, NULL, 2);
	sf_json_end(w);
	sf_json_end(w);
}

static void test_layout_and_numbers(void **state)
{
	(void)state;
	sf_buf b;
	sf_buf_init(&b, 0);
	assert_int_equal(write_doc(build_small, SF_JSON_PRETTY, &b), SF_OK);
	assert_string_equal(b.data, "{\n"
	                            "  \"name\": \"Gaza ISF\",\n"
	                            "  \"whole\": 12,\n"
	                            "  \"neg_zero\": 0,\n"
	                            "  \"real\": 0.3,\n"
	                            "  \"nan\": null,\n"
	                            "  \"big\": 1e20,\n"
	                            "  \"int\": -7,\n"
	                            "  \"yes\": true,\n"
	                            "  \"none\": null,\n"
	                            "  \"null_str\": null,\n"
	                            "  \"empty\": [],\n"
	                            "  \"list\": [\n"
	                            "    1,\n"
	                            "    2\n"
	                            "  ]\n"
	                            "}\n");
	sf_buf_reset(&b);
	assert_int_equal(write_doc(build_small, SF_JSON_COMPACT, &b), SF_OK);
	assert_string_equal(b.data, "{\"name\":\"Gaza ISF\",\"whole\":12,\"neg_zero\":0,"
	                            "\"real\":0.3,\"nan\":null,\"big\":1e20,\"int\":-7,"
	                            "\"yes\":true,\"none\":null,\"null_str\":null,\"empty\":[],"
	                            "\"list\":[1,2]}");
	sf_buf_release(&b);
}

static void build_hostile(sf_json_writer *w)
{
	sf_json_object(w, NULL);
	sf_json_str(w, "quote", "a\"b\\c/d");
	sf_json_str(w, "control", "tab\there\nnl\x01\x1f");
	sf_json_str(w, "utf8", "T\xc3\xbcrkiye \xe2\x82\xac \xf0\x9f\x98\x80");
	sf_json_str(w, "bad", "x\xff\xc3(y\xed\xa0\x80z\xc0\xaf");
	sf_json_str(w, "truncated", "end\xe2\x82");
	sf_json_str(w, "key\xfe", "v");
	sf_json_end(w);
}

static void test_any_bytes_are_valid_json(void **state)
{
	(void)state;
	sf_buf b;
	sf_buf_init(&b, 0);
	assert_int_equal(write_doc(build_hostile, SF_JSON_COMPACT, &b), SF_OK);
	assert_string_equal(b.data, "{\"quote\":\"a\\\"b\\\\c/d\","
	                            "\"control\":\"tab\\there\\nnl\\u0001\\u001F\","
	                            "\"utf8\":\"T\xc3\xbcrkiye \xe2\x82\xac \xf0\x9f\x98\x80\","
	                            "\"bad\":\"x\xef\xbf\xbd\xef\xbf\xbd(y\xef\xbf\xbd\xef\xbf\xbd"
	                            "\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd\","
	                            "\"truncated\":\"end\xef\xbf\xbd\xef\xbf\xbd\","
	                            "\"key\xef\xbf\xbd\":\"v\"}");
	/* and it reads back */
	sf_json *v = NULL;
	sf_json_parse_error pe;
	assert_int_equal(sf_json_parse(b.data, b.len, 0, &v, &pe), SF_OK);
	assert_string_equal(sf_json_string(sf_json_get(v, "quote")), "a\"b\\c/d");
	assert_string_equal(sf_json_string(sf_json_get(v, "control")), "tab\there\nnl\x01\x1f");
	assert_string_equal(sf_json_string(sf_json_get(v, "key\xef\xbf\xbd")), "v");
	sf_json_free(v);
	sf_buf_release(&b);
}

/* strn writes a NUL byte as \u0000, which the reader refuses (names are C strings). */
static void build_nul(sf_json_writer *w)
{
	sf_json_strn(w, NULL, "a\0b", 3);
}

static void test_nul_byte(void **state)
{
	(void)state;
	sf_buf b;
	sf_json *v = NULL;
	sf_json_parse_error pe;
	sf_buf_init(&b, 0);
	assert_int_equal(write_doc(build_nul, SF_JSON_COMPACT, &b), SF_OK);
	assert_string_equal(b.data, "\"a\\u0000b\"");
	assert_int_equal(sf_json_parse("[\"a\\u0000b\"]", 12, 0, &v, &pe), SF_ERR_INPUT);
	sf_buf_release(&b);
}

static void build_many(sf_json_writer *w)
{
	sf_json_object(w, NULL);
	sf_json_array(w, "rows");
	for (int i = 0; i < 50; i++) {
		sf_json_object(w, NULL);
		sf_json_str(w, "id", "row");
		sf_json_num(w, "value", i * 1.5);
		sf_json_end(w);
	}
	sf_json_end(w);
	sf_json_end(w);
}

/* Jansson's allocations left before they fail; < 0: never fail. */
static long allocs_left = -1;

static void *counting_malloc(size_t n)
{
	if (allocs_left == 0)
		return NULL;
	if (allocs_left > 0)
		allocs_left--;
	return malloc(n);
}

/* Every allocation failing in turn: finish says out of memory, never a short document. */
static void test_out_of_memory_is_sticky(void **state)
{
	(void)state;
	sf_buf ok, b;
	sf_buf_init(&ok, 0);
	assert_int_equal(write_doc(build_many, SF_JSON_COMPACT, &ok), SF_OK);
	int failures = 0;
	for (long n = 0;; n++) {
		allocs_left = n;
		json_set_alloc_funcs(counting_malloc, free);
		sf_buf_init(&b, 0);
		sf_status rc = write_doc(build_many, SF_JSON_COMPACT, &b);
		json_set_alloc_funcs(malloc, free);
		if (rc == SF_OK) {
			assert_string_equal(b.data, ok.data);
			sf_buf_release(&b);
			break;
		}
		assert_int_equal(rc, SF_ERR_NOMEM);
		assert_true(b.len == 0);
		sf_buf_release(&b);
		failures++;
	}
	assert_true(failures > 100);
	sf_buf_release(&ok);
}

/* A full output buffer: an error, and nothing half-written. */
static void test_full_buffer(void **state)
{
	(void)state;
	sf_buf b;
	sf_error err;
	sf_buf_init(&b, 100);
	sf_buf_adds(&b, "head");
	sf_json_writer w;
	sf_json_writer_init(&w);
	build_many(&w);
	sf_error_clear(&err);
	assert_int_equal(sf_json_writer_finish(&w, SF_JSON_PRETTY, &b, &err), SF_ERR_NOMEM);
	assert_int_equal(err.code, SF_ERR_NOMEM);
	assert_string_equal(b.data, "head");
	sf_buf_release(&b);
}

/* A stored document goes in as a value, laid out by the one writer; text that is not JSON fails. */
static void test_embed(void **state)
{
	(void)state;
	sf_buf b;
	sf_error err;
	sf_json_writer w;
	sf_json *v = NULL;
	sf_buf_init(&b, 0);
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_embed(&w, "doc", "{\"a\":[1, 2.5],  \"b\":null}", 25);
	assert_int_equal(sf_json_parse("[true]", 6, 0, &v, NULL), SF_OK);
	sf_json_value(&w, "copy", v);
	sf_json_free(v);
	sf_json_end(&w);
	sf_error_clear(&err);
	assert_int_equal(sf_json_writer_finish(&w, SF_JSON_COMPACT, &b, &err), SF_OK);
	assert_string_equal(b.data, "{\"doc\":{\"a\":[1,2.5],\"b\":null},\"copy\":[true]}");

	sf_buf_reset(&b);
	sf_json_writer_init(&w);
	sf_json_object(&w, NULL);
	sf_json_embed(&w, "doc", "{\"a\":", 5);
	sf_json_int(&w, "after", 1);
	sf_json_end(&w);
	assert_int_equal(sf_json_writer_finish(&w, SF_JSON_COMPACT, &b, &err), SF_ERR_INPUT);
	assert_int_equal(b.len, 0);
	sf_buf_release(&b);

	assert_true(sf_utf8_valid("caf\xc3\xa9", 5));
	assert_false(sf_utf8_valid("caf\xc3", 4));
	assert_false(sf_utf8_valid("a\0b", 3));
	assert_false(sf_utf8_valid("\xed\xa0\x80", 3)); /* a surrogate */
}

/* ---- the direct mode against the tree mode ---- */

static unsigned long long rng_next(unsigned long long *r)
{
	*r ^= *r << 13;
	*r ^= *r >> 7;
	*r ^= *r << 17;
	return *r;
}

/* A hostile string: any bytes (NUL, controls, quotes, invalid UTF-8) or plain words. */
static size_t random_text(unsigned long long *r, char *buf, size_t size)
{
	static const char *const pieces[] = {"\"",
	                                     "\\",
	                                     "/",
	                                     "\n",
	                                     "\t",
	                                     "\x01",
	                                     "\x1f",
	                                     "\x7f",
	                                     "caf\xc3\xa9",
	                                     "\xe2\x82\xac",
	                                     "\xf0\x9f\x98\x80",
	                                     "\xc3",
	                                     "\xed\xa0\x80",
	                                     "\xc0\xaf",
	                                     "\xff",
	                                     "a b",
	                                     "Gaza",
	                                     "\b\f\r",
	                                     "\xf4\x90\x80\x80",
	                                     "%s"};
	size_t n = 0, parts = rng_next(r) % 6;
	for (size_t i = 0; i < parts; i++) {
		if (rng_next(r) % 3 == 0) {
			buf[n++] = (char)(rng_next(r) & 0xff);
		} else {
			const char *p = pieces[rng_next(r) % (sizeof pieces / sizeof *pieces)];
			size_t k = strlen(p);
			memcpy(buf + n, p, k);
			n += k;
		}
		if (n + 8 > size)
			break;
	}
	buf[n] = '\0';
	return n;
}

static double random_double(unsigned long long *r)
{
	static const double fixed[] = {0.0,
	                               -0.0,
	                               0.1 + 0.2,
	                               1e20,
	                               1e21,
	                               1e-7,
	                               -2.5e-300,
	                               1e300,
	                               9007199254740992.0,
	                               9007199254740993.0,
	                               123456.789,
	                               0.0 / 0.0,
	                               1.0 / 0.0,
	                               -1.0 / 0.0,
	                               5e-324,
	                               1.7976931348623157e308};
	unsigned long long bits;
	double d;
	switch (rng_next(r) % 4) {
	case 0:
		return fixed[rng_next(r) % (sizeof fixed / sizeof *fixed)];
	case 1:
		bits = rng_next(r);
		memcpy(&d, &bits, sizeof d);
		return d;
	case 2:
		return (double)(long long)(rng_next(r) % 2000001) / 1000.0 - 1000.0;
	default:
		return (double)(long long)rng_next(r) / (double)(1 + rng_next(r) % 1000);
	}
}

static void random_value(sf_json_writer *w, unsigned long long *r, int depth, int in_object,
                         int member)
{
	char key[32], text[256];
	const char *k = NULL;
	size_t n;
	if (in_object) {
		/* Keys differ within an object (the direct mode's contract): a number, then bytes.
		 */
		random_text(r, text, 16);
		snprintf(key, sizeof key, "%d%.12s", member, text);
		k = key;
	}
	switch (rng_next(r) % (depth < 5 ? 11 : 8)) {
	case 0:
		n = random_text(r, text, sizeof text);
		sf_json_strn(w, k, text, n);
		break;
	case 1:
		random_text(r, text, sizeof text);
		sf_json_str(w, k, rng_next(r) % 5 ? text : NULL);
		break;
	case 2:
		sf_json_num(w, k, random_double(r));
		break;
	case 3:
		sf_json_int(w, k, (long long)rng_next(r) >> (rng_next(r) % 64));
		break;
	case 4:
		sf_json_bool(w, k, (int)(rng_next(r) & 1));
		break;
	case 5:
		sf_json_null(w, k);
		break;
	case 6: {
		static const char *const docs[] = {
		        "{\"a\":[1, 2.5, 2.0, -0.0, 1e300],  \"b\":null, \"c\":{}, \"d\":[]}",
		        "[\"x\\u0001y\", \"\\u00e9\\/\", {\"k\\u001f\": true}, [[[]]], 1.5e-8]",
		        "\"plain\"", "{\"nested\":{\"deeper\":{\"deepest\":[false,{\"e\":3}]}}}"};
		const char *d = docs[rng_next(r) % 4];
		sf_json_embed(w, k, d, strlen(d));
		break;
	}
	case 7:
		sf_json_num(w, k, (double)(long long)(rng_next(r) % 100000));
		break;
	default: {
		int obj = (int)(rng_next(r) & 1), members = (int)(rng_next(r) % 6);
		if (obj)
			sf_json_object(w, k);
		else
			sf_json_array(w, k);
		for (int i = 0; i < members; i++)
			random_value(w, r, depth + 1, obj, i);
		sf_json_end(w);
		break;
	}
	}
}

/* ~3,000 random documents: the direct mode writes the tree mode's bytes, both styles. */
static void test_direct_is_tree(void **state)
{
	(void)state;
	sf_buf a, b;
	sf_error err;
	sf_buf_init(&a, 0);
	sf_buf_init(&b, 0);
	for (unsigned long long doc = 1; doc <= 3000; doc++) {
		sf_json_style style = doc % 2 ? SF_JSON_PRETTY : SF_JSON_COMPACT;
		unsigned long long r1 = doc * 0x9E3779B97F4A7C15ull, r2 = r1;
		sf_json_writer w;
		sf_buf_reset(&a);
		sf_buf_reset(&b);
		sf_buf_adds(&b, "kept ");
		sf_json_writer_init(&w);
		random_value(&w, &r1, 0, 0, 0);
		sf_error_clear(&err);
		assert_int_equal(sf_json_writer_finish(&w, style, &a, &err), SF_OK);
		sf_json_writer_init_direct(&w, style, &b);
		random_value(&w, &r2, 0, 0, 0);
		assert_int_equal(sf_json_writer_finish(&w, style, &b, &err), SF_OK);
		if (b.len != a.len + 5 || memcmp(a.data, b.data + 5, a.len) != 0)
			fail_msg("document %llu differs:\ntree:   %s\ndirect: %s", doc, a.data,
			         b.data + 5);
	}
	sf_buf_release(&a);
	sf_buf_release(&b);
}

/* A direct writer that fails (a full buffer, a bad stored document) leaves out as it was. */
static void test_direct_failure(void **state)
{
	(void)state;
	sf_buf b;
	sf_error err;
	sf_json_writer w;
	sf_buf_init(&b, 100);
	sf_buf_adds(&b, "head");
	sf_json_writer_init_direct(&w, SF_JSON_PRETTY, &b);
	build_many(&w);
	sf_error_clear(&err);
	assert_int_equal(sf_json_writer_finish(&w, SF_JSON_PRETTY, &b, &err), SF_ERR_NOMEM);
	assert_int_equal(err.code, SF_ERR_NOMEM);
	assert_string_equal(b.data, "head");

	sf_json_writer_init_direct(&w, SF_JSON_COMPACT, &b);
	sf_json_object(&w, NULL);
	sf_json_embed(&w, "doc", "{\"a\":", 5);
	sf_json_int(&w, "after", 1);
	sf_json_end(&w);
	assert_int_equal(sf_json_writer_finish(&w, SF_JSON_COMPACT, &b, &err), SF_ERR_INPUT);
	assert_string_equal(b.data, "head");

	sf_json_writer_init_direct(&w, SF_JSON_COMPACT, &b);
	sf_json_object(&w, NULL);
	sf_json_int(&w, "given_up", 1);
	sf_json_writer_release(&w);
	assert_string_equal(b.data, "head");
	sf_buf_release(&b);
}

static void test_read(void **state)
{
	(void)state;
	const char *text = "{\"a\": [1, 2.5, \"x\", null, true], \"b\": {\"c\": 9007199254740993}}";
	sf_json *v = NULL;
	sf_json_parse_error pe;
	assert_int_equal(sf_json_parse(text, strlen(text), 0, &v, &pe), SF_OK);
	const sf_json *a = sf_json_get(v, "a");
	assert_true(sf_json_is_array(a));
	assert_int_equal(sf_json_size(a), 5);
	assert_int_equal(sf_json_typeof(sf_json_at(a, 0)), SF_JSON_INTEGER);
	assert_true(sf_json_number(sf_json_at(a, 1)) == 2.5);
	assert_string_equal(sf_json_string(sf_json_at(a, 2)), "x");
	assert_int_equal(sf_json_string_length(sf_json_at(a, 2)), 1);
	assert_true(sf_json_is_null(sf_json_at(a, 3)));
	assert_int_equal(sf_json_typeof(sf_json_at(a, 4)), SF_JSON_TRUE);
	assert_null(sf_json_at(a, 5));
	assert_int_equal(sf_json_typeof(sf_json_at(a, 5)), SF_JSON_ABSENT);
	assert_true(sf_json_integer(sf_json_get(sf_json_get(v, "b"), "c")) == 9007199254740993LL);
	/* absent chains stay absent */
	assert_null(sf_json_get(sf_json_get(v, "zz"), "c"));
	assert_null(sf_json_string(sf_json_get(v, "a")));
	assert_int_equal(sf_json_size(NULL), 0);
	sf_json_free(v);
}

static void test_parse_errors(void **state)
{
	(void)state;
	sf_json *v = NULL;
	sf_json_parse_error pe;
	const char *bad = "{\n  \"a\": 1,\n  \"b\": tru\n}";
	assert_int_equal(sf_json_parse(bad, strlen(bad), 0, &v, &pe), SF_ERR_INPUT);
	assert_null(v);
	assert_int_equal(pe.line, 3);
	assert_true(pe.column >= 8);
	assert_true(pe.text[0] != '\0');
	const char *dup = "{\"a\": 1,\n \"a\": 2}";
	assert_int_equal(sf_json_parse(dup, strlen(dup), 0, &v, &pe), SF_OK);
	sf_json_free(v);
	assert_int_equal(sf_json_parse(dup, strlen(dup), SF_JSON_REJECT_DUPLICATES, &v, &pe),
	                 SF_ERR_INPUT);
	assert_int_equal(pe.line, 2);
	const char *utf = "[\"ok\", \"\xff\"]";
	assert_int_equal(sf_json_parse(utf, strlen(utf), 0, &v, &pe), SF_ERR_INPUT);
	assert_int_equal(pe.line, 1);
	assert_true(pe.column > 1);
	assert_int_equal(sf_json_parse("", 0, 0, &v, &pe), SF_ERR_INPUT);
}

static void test_formats(void **state)
{
	(void)state;
	assert_string_equal(sf_format_str(SF_FORMAT_GEOJSON), "geojson");
	assert_int_equal(sf_format_parse("markdown"), SF_FORMAT_MD);
	assert_int_equal(sf_format_parse("csv"), SF_FORMAT_CSV);
	assert_int_equal(sf_format_parse("xml"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_layout_and_numbers),
	        cmocka_unit_test(test_any_bytes_are_valid_json),
	        cmocka_unit_test(test_nul_byte),
	        cmocka_unit_test(test_out_of_memory_is_sticky),
	        cmocka_unit_test(test_full_buffer),
	        cmocka_unit_test(test_embed),
	        cmocka_unit_test(test_direct_is_tree),
	        cmocka_unit_test(test_direct_failure),
	        cmocka_unit_test(test_read),
	        cmocka_unit_test(test_parse_errors),
	        cmocka_unit_test(test_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
