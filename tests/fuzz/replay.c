/*
 * replay.c - run a libFuzzer target over files, without libFuzzer.
 *
 * `fuzz_X_replay PATH...` calls LLVMFuzzerTestOneInput() once for every
 * regular file in each directory given (and for each file given), so that
 * a gcc build (and the ASan build of `make check`) replays the corpora and
 * every past crash stays fixed. Exits 1 if no input was found.
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
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL, *grown;
	size_t size = 0, used = 0, got;

	if (!fp) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (used == size) {
			size = size ? size * 2 : 4096;
			grown = realloc(data, size);
			if (!grown) {
				free(data);
				fclose(fp);
				return -1;
			}
			data = grown;
		}
		got = fread(data + used, 1, size - used, fp);
		used += got;
		if (got == 0)
			break;
	}
	fclose(fp);
	/* An exact-size copy, so ASan sees any read past the input. */
	grown = malloc(used ? used : 1);
	if (!grown) {
		free(data);
		return -1;
	}
	memcpy(grown, data, used);
	free(data);
	LLVMFuzzerTestOneInput(grown, used);
	free(grown);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = 0;
	int i;

	for (i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			DIR *dir = opendir(argv[i]);
			struct dirent *e;
			if (!dir) {
				perror(argv[i]);
				return 1;
			}
			while ((e = readdir(dir)) != NULL) {
				char path[4096];
				struct stat fst;
				if (e->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
				if (stat(path, &fst) != 0 || !S_ISREG(fst.st_mode))
					continue;
				if (run_file(path) != 0) {
					closedir(dir);
					return 1;
				}
				n++;
			}
			closedir(dir);
		} else if (run_file(argv[i]) == 0) {
			n++;
		} else {
			return 1;
		}
	}
	printf("replayed %zu inputs\n", n);
	return n > 0 ? 0 : 1;
}
