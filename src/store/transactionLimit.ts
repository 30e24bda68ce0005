/** An entity-group transaction holds at most 100 operations, all in one partition (Table Storage limit). */
export const MAX_TRANSACTION_ACTIONS = 100;
