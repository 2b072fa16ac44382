-- AlterTable
ALTER TABLE "Solution" ADD COLUMN     "prompt" TEXT,
ADD COLUMN     "reply" TEXT;
