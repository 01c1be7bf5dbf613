package io.github.keycloaksts.policy;

/**
 * Size limits applied when reading policy documents, so that hostile documents are refused
 * before they cost memory or time. The reader checks the document size before parsing and lets
 * the JSON parser enforce depth; every other limit is checked while the document is read, and
 * the error names the offending path.
 *
 * <p>Defaults ({@link #DEFAULTS}):
 * <ul>
 *   <li>{@code maxDocumentChars} 131072: characters of the JSON text (for documents given as a
 *       {@code JsonNode}, the total length of all strings in it)</li>
 *   <li>{@code maxStatements} 100 per document</li>
 *   <li>{@code maxPrincipalsPerStatement} 5000 entries of {@code Principal.RAM}</li>
 *   <li>{@code maxValuesPerList} 5000 entries of {@code Action}, {@code Resource} or one condition key</li>
 *   <li>{@code maxStringLength} 1024 characters per string value</li>
 *   <li>{@code maxDepth} 16 levels of JSON nesting (a valid document needs 6)</li>
 * </ul>
 *
 * @param maxDocumentChars          maximum characters of a document
 * @param maxStatements             maximum statements per document
 * @param maxPrincipalsPerStatement maximum principals per statement
 * @param maxValuesPerList          maximum values in any other list
 * @param maxStringLength           maximum characters of one string value
 * @param maxDepth                  maximum JSON nesting depth
 */
public record PolicyLimits(int maxDocumentChars, int maxStatements, int maxPrincipalsPerStatement,
                           int maxValuesPerList, int maxStringLength, int maxDepth) {

    /** The documented defaults. */
    public static final PolicyLimits DEFAULTS = new PolicyLimits(131_072, 100, 5_000, 5_000, 1_024, 16);

    /**
     * @throws IllegalArgumentException if a limit is not positive, or {@code maxDepth} is below
     *                                  the 6 levels a valid document needs
     */
    public PolicyLimits {
        requirePositive("maxDocumentChars", maxDocumentChars);
        requirePositive("maxStatements", maxStatements);
        requirePositive("maxPrincipalsPerStatement", maxPrincipalsPerStatement);
        requirePositive("maxValuesPerList", maxValuesPerList);
        requirePositive("maxStringLength", maxStringLength);
        if (maxDepth < 6) {
            throw new IllegalArgumentException("maxDepth must be at least 6: " + maxDepth);
        }
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
