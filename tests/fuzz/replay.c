/**
 * @file replay.c  Runs a libFuzzer harness over files, without libFuzzer
 *
 * Linked with one fuzz_*.c by any compiler (gcc in the normal build), so
 * every committed corpus file, including each crash the fuzzers found,
 * is replayed by ctest as a regression test (unit.replay_<name>), also
 * in the ASan+UBSan build.
 *
 *   replay_<name> FILE|DIR...
 *
 * Copyright (C) 2026 OctaSIP developers.  BSD-3-Clause.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f) {
		perror(path);
		return 1;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return 1;
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: read error\n", path);
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);

	(void)LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);

	return 0;
}


int main(int argc, char **argv)
{
	int i, bad = 0, count = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		struct dirent *de;
		DIR *d;

		if (stat(argv[i], &st)) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]);
			++count;
			continue;
		}
		d = opendir(argv[i]);
		if (!d)
			return 1;
		while ((de = readdir(d))) {
			char p[4096];

			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", argv[i], de->d_name);
			bad |= run_file(p);
			++count;
		}
		closedir(d);
	}

	printf("%d inputs replayed%s\n", count, bad ? ", read errors" : "");

	return bad || count == 0;
}
