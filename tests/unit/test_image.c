// SPDX-License-Identifier: GPL-2.0
/* image__parse: the arm64 Image header (arm64/booting.rst). */
#include <endian.h>
#include <stdint.h>
#include <string.h>

#include "../../boot/image.h"
#include "../../lib/log.h"
#include "suites.h"

#define FLAGS_4K (1ULL << ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT)
#define FLAGS_16K (2ULL << ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT)
#define FLAGS_64K (3ULL << ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT)

#define FILE_SIZE (12ULL << 20)
#define IMAGE_SIZE (16ULL << 20)

static void put_le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/* A header laid out byte by byte, whatever the host's endianness. */
static void make_header(uint8_t *buf, uint64_t text_offset, uint64_t image_size,
			uint64_t flags, uint32_t magic)
{
	memset(buf, 0, ARM64_IMAGE_HEADER_SIZE);
	put_le32(buf + 0, 0x91005a4d); /* code0: "MZ" + add x13, x18, #0x16 */
	put_le32(buf + 4, 0x14000000); /* code1: b stext */
	put_le64(buf + 8, text_offset);
	put_le64(buf + 16, image_size);
	put_le64(buf + 24, flags);
	put_le32(buf + 56, magic);
}

/* image__parse of a FILE_SIZE file with that header: 0 or -1. */
static int parse(uint64_t text_offset, uint64_t image_size, uint64_t flags,
		 struct arm64_image *img, char *err)
{
	uint8_t buf[ARM64_IMAGE_HEADER_SIZE];

	make_header(buf, text_offset, image_size, flags, ARM64_IMAGE_MAGIC);
	return image__parse(buf, sizeof(buf), FILE_SIZE, img, err);
}

/* The header accepted: what image__parse made of it. */
static struct arm64_image parsed(uint64_t text_offset, uint64_t image_size,
				 uint64_t flags)
{
	struct arm64_image img;
	char err[ERRBUF_LEN] = "";

	ck_assert_msg(parse(text_offset, image_size, flags, &img, err) == 0,
		      "refused: %s", err);
	return img;
}

/* The header refused, with a message that mentions why. */
static void refused(uint64_t text_offset, uint64_t image_size, uint64_t flags,
		    const char *why)
{
	struct arm64_image img;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(parse(text_offset, image_size, flags, &img, err), -1);
	ck_assert_err_has(err, why);
}

START_TEST(test_image_modern_header_parses)
{
	struct arm64_image img = parsed(0, IMAGE_SIZE, FLAGS_4K);

	ck_assert_uint_eq(img.text_offset, 0);
	ck_assert_uint_eq(img.image_size, IMAGE_SIZE);
	ck_assert_uint_eq(img.file_size, FILE_SIZE);
	ck_assert_uint_eq(img.page_size_kib, 4);
	ck_assert_int_eq(img.any_place, 0);
}
END_TEST

START_TEST(test_image_magic_is_read_at_offset_56)
{
	uint8_t buf[ARM64_IMAGE_HEADER_SIZE];
	struct arm64_image img;
	char err[ERRBUF_LEN] = "";

	make_header(buf, 0, IMAGE_SIZE, FLAGS_4K, 0);
	memcpy(buf + 56, "ARM\x64", 4);
	ck_assert_int_eq(image__parse(buf, sizeof(buf), FILE_SIZE, &img, err),
			 0);
}
END_TEST

START_TEST(test_image_nonzero_text_offset_kept)
{
	struct arm64_image img = parsed(0x80000, IMAGE_SIZE, FLAGS_4K);

	ck_assert_uint_eq(img.text_offset, 0x80000);
}
END_TEST

START_TEST(test_image_any_place_flag)
{
	struct arm64_image img =
		parsed(0, IMAGE_SIZE, FLAGS_4K | ARM64_IMAGE_FLAG_ANY_PLACE);

	ck_assert_int_eq(img.any_place, 1);
	ck_assert_uint_eq(img.page_size_kib, 4);
}
END_TEST

START_TEST(test_image_page_size_16k)
{
	struct arm64_image img = parsed(0, IMAGE_SIZE, FLAGS_16K);

	ck_assert_uint_eq(img.page_size_kib, 16);
}
END_TEST

START_TEST(test_image_page_size_64k)
{
	struct arm64_image img = parsed(0, IMAGE_SIZE, FLAGS_64K);

	ck_assert_uint_eq(img.page_size_kib, 64);
}
END_TEST

START_TEST(test_image_page_size_unspecified_is_zero)
{
	struct arm64_image img = parsed(0, IMAGE_SIZE, 0);

	ck_assert_uint_eq(img.page_size_kib, 0);
	ck_assert_int_eq(img.any_place, 0);
}
END_TEST

START_TEST(test_image_short_buffer_rejected)
{
	uint8_t buf[ARM64_IMAGE_HEADER_SIZE];
	struct arm64_image img;
	char err[ERRBUF_LEN] = "";

	make_header(buf, 0, IMAGE_SIZE, FLAGS_4K, ARM64_IMAGE_MAGIC);
	ck_assert_int_eq(image__parse(buf, ARM64_IMAGE_HEADER_SIZE - 1,
				      ARM64_IMAGE_HEADER_SIZE - 1, &img, err),
			 -1);
	ck_assert_err_has(err, "not an arm64 Image");
}
END_TEST

START_TEST(test_image_empty_file_rejected)
{
	struct arm64_image img;
	char err[ERRBUF_LEN] = "";

	ck_assert_int_eq(image__parse("", 0, 0, &img, err), -1);
	ck_assert_err_has(err, "not an arm64 Image");
}
END_TEST

START_TEST(test_image_file_shorter_than_header_rejected)
{
	uint8_t buf[ARM64_IMAGE_HEADER_SIZE];
	struct arm64_image img;
	char err[ERRBUF_LEN] = "";

	/* A whole header in the buffer, but the file claims to be shorter. */
	make_header(buf, 0, IMAGE_SIZE, FLAGS_4K, ARM64_IMAGE_MAGIC);
	ck_assert_int_eq(image__parse(buf, sizeof(buf), 32, &img, err), -1);
	ck_assert_err_has(err, "not an arm64 Image");
}
END_TEST

START_TEST(test_image_wrong_magic_rejected)
{
	uint8_t buf[ARM64_IMAGE_HEADER_SIZE];
	struct arm64_image img;
	char err[ERRBUF_LEN] = "";

	make_header(buf, 0, IMAGE_SIZE, FLAGS_4K, 0x464c457f); /* "\x7fELF" */
	ck_assert_int_eq(image__parse(buf, sizeof(buf), FILE_SIZE, &img, err),
			 -1);
	ck_assert_err_has(err, "not an arm64 Image");
}
END_TEST

START_TEST(test_image_byte_swapped_magic_rejected)
{
	uint8_t buf[ARM64_IMAGE_HEADER_SIZE];
	struct arm64_image img;
	char err[ERRBUF_LEN] = "";

	make_header(buf, 0, IMAGE_SIZE, FLAGS_4K,
		    __builtin_bswap32(ARM64_IMAGE_MAGIC));
	ck_assert_int_eq(image__parse(buf, sizeof(buf), FILE_SIZE, &img, err),
			 -1);
	ck_assert_err_has(err, "not an arm64 Image");
}
END_TEST

START_TEST(test_image_big_endian_rejected)
{
	refused(0, IMAGE_SIZE, FLAGS_4K | ARM64_IMAGE_FLAG_BE, "big-endian");
}
END_TEST

START_TEST(test_image_legacy_zero_image_size)
{
	struct arm64_image img = parsed(0, 0, 0);

	ck_assert_uint_eq(img.text_offset, ARM64_IMAGE_LEGACY_TEXT_OFFSET);
	ck_assert_uint_eq(img.text_offset, 0x80000);
	ck_assert_uint_eq(img.image_size, FILE_SIZE);
	ck_assert_uint_eq(img.file_size, FILE_SIZE);
}
END_TEST

START_TEST(test_image_legacy_ignores_reserved_fields)
{
	/* Before 3.17 these fields were reserved: whatever they hold. */
	struct arm64_image img = parsed(0x1234, 0,
					ARM64_IMAGE_FLAG_BE | FLAGS_64K |
						ARM64_IMAGE_FLAG_ANY_PLACE);

	ck_assert_uint_eq(img.text_offset, 0x80000);
	ck_assert_uint_eq(img.page_size_kib, 0);
	ck_assert_int_eq(img.any_place, 0);
}
END_TEST

START_TEST(test_image_size_equal_to_file_accepted)
{
	struct arm64_image img = parsed(0, FILE_SIZE, FLAGS_4K);

	ck_assert_uint_eq(img.image_size, FILE_SIZE);
}
END_TEST

START_TEST(test_image_size_smaller_than_file_rejected)
{
	refused(0, FILE_SIZE - 1, FLAGS_4K, "smaller than the file");
}
END_TEST

START_TEST(test_image_size_above_4g_rejected)
{
	refused(0, (1ULL << 32) + 1, FLAGS_4K, "image_size");
}
END_TEST

START_TEST(test_image_text_offset_not_page_aligned_rejected)
{
	refused(0x80100, IMAGE_SIZE, FLAGS_4K, "text_offset");
}
END_TEST

START_TEST(test_image_text_offset_2m_rejected)
{
	refused(2ULL << 20, IMAGE_SIZE, FLAGS_4K, "text_offset");
}
END_TEST

START_TEST(test_image_text_offset_last_page_below_2m_accepted)
{
	struct arm64_image img =
		parsed((2ULL << 20) - 0x1000, IMAGE_SIZE, FLAGS_4K);

	ck_assert_uint_eq(img.text_offset, 0x1ff000);
}
END_TEST

START_TEST(test_image_null_err_buffer_tolerated)
{
	uint8_t buf[ARM64_IMAGE_HEADER_SIZE];
	struct arm64_image img;

	make_header(buf, 0, IMAGE_SIZE, FLAGS_4K, 0);
	ck_assert_int_eq(image__parse(buf, sizeof(buf), FILE_SIZE, &img, NULL),
			 -1);
}
END_TEST

Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc;

	tc = tcase_create("accept");
	tcase_add_test(tc, test_image_modern_header_parses);
	tcase_add_test(tc, test_image_magic_is_read_at_offset_56);
	tcase_add_test(tc, test_image_nonzero_text_offset_kept);
	tcase_add_test(tc, test_image_any_place_flag);
	tcase_add_test(tc, test_image_page_size_16k);
	tcase_add_test(tc, test_image_page_size_64k);
	tcase_add_test(tc, test_image_page_size_unspecified_is_zero);
	tcase_add_test(tc, test_image_legacy_zero_image_size);
	tcase_add_test(tc, test_image_legacy_ignores_reserved_fields);
	tcase_add_test(tc, test_image_size_equal_to_file_accepted);
	tcase_add_test(tc, test_image_text_offset_last_page_below_2m_accepted);
	suite_add_tcase(s, tc);

	tc = tcase_create("reject");
	tcase_add_test(tc, test_image_short_buffer_rejected);
	tcase_add_test(tc, test_image_empty_file_rejected);
	tcase_add_test(tc, test_image_file_shorter_than_header_rejected);
	tcase_add_test(tc, test_image_wrong_magic_rejected);
	tcase_add_test(tc, test_image_byte_swapped_magic_rejected);
	tcase_add_test(tc, test_image_big_endian_rejected);
	tcase_add_test(tc, test_image_size_smaller_than_file_rejected);
	tcase_add_test(tc, test_image_size_above_4g_rejected);
	tcase_add_test(tc, test_image_text_offset_not_page_aligned_rejected);
	tcase_add_test(tc, test_image_text_offset_2m_rejected);
	tcase_add_test(tc, test_image_null_err_buffer_tolerated);
	suite_add_tcase(s, tc);

	return s;
}
