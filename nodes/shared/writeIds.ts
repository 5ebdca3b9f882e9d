/**
 * Write ids: a random token per execution plus the item index, unique per item. A node stores
 * one with every row it creates where the service has no idempotency key, so that after a lost
 * answer it can find out exactly which rows were stored.
 */
export function writeIds(): (itemIndex: number) => string {
	let token = '';
	for (let i = 0; i < 12; i++) token += Math.floor(Math.random() * 36).toString(36);
	return (itemIndex) => `${token}-${itemIndex}`;
}
